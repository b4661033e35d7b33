// Package webhooks delivers an organization's events to its HTTP
// endpoints.
//
// Deliveries are rows of the store's webhook_deliveries table, written with
// their job in the transaction of the change that causes the event
// (response.submitted, round.closed, results.updated, roadmap.imported), so
// a crash never loses one. The job posts the delivery's JSON body with
//
//	X-Gapmap-Event:     the event
//	X-Gapmap-Delivery:  the delivery id (also "id" in the body; the same on every retry)
//	X-Gapmap-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by the webhook's secret>
//
// A 2xx answer delivers it. Anything else (another status, a redirect, a
// timeout, a refused connection) is retried with exponential back-off until
// the delivery is older than MaxAge, then marked failed with its last
// error. A receiver may see a delivery twice (after a crash between its
// answer and the row being marked) and should use the delivery id to drop
// the second.
//
// Targets on loopback, private, link-local, shared (CGNAT), multicast or
// unspecified addresses are refused, both when the webhook is saved (after
// resolving its name) and when each connection is made (so a name that
// resolves elsewhere later is still refused), unless AllowPrivate is set.
package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/store"
	"gapmap/models"
)

// MaxURLLength is the longest webhook URL accepted.
const MaxURLLength = 2048

// Options configure the webhook sender.
type Options struct {
	AllowPrivate bool             // let webhooks reach loopback and private addresses (tests)
	MaxAge       time.Duration    // give a delivery up this long after its event (default 48 h)
	Timeout      time.Duration    // per attempt, connection to answer (default 10 s)
	Backoff      time.Duration    // wait before the first retry (default 30 s; doubling up to 30 min)
	Clock        func() time.Time // default time.Now
}

func (o *Options) defaults() {
	if o.MaxAge <= 0 {
		o.MaxAge = 48 * time.Hour
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
}

// Sign returns the X-Gapmap-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Register registers the job that sends one delivery
// (store.DeliverWebhookKind) on r.
func Register(r *jobs.Runner, st *store.Store, opt Options) {
	opt.defaults()
	client := newClient(opt)
	r.Register(jobs.Kind{
		Name: store.DeliverWebhookKind,
		// The age decides when to give up, not a count of attempts.
		MaxAttempts: 1 << 20,
		Backoff:     opt.Backoff,
		MaxBackoff:  30 * time.Minute,
		Handle: func(ctx context.Context, payload []byte) error {
			var p store.DeliverWebhookPayload
			if err := json.Unmarshal(payload, &p); err != nil {
				return fmt.Errorf("webhook job payload: %w", err)
			}
			return deliver(ctx, st, client, opt, p.DeliveryID)
		},
	})
}

func deliver(ctx context.Context, st *store.Store, client *http.Client, opt Options, id int64) error {
	d, err := st.WebhookDelivery(ctx, id)
	if apperr.Code(err) == apperr.ENotFound {
		return nil // deleted with its webhook or organization
	}
	if err != nil {
		return err
	}
	if d.Status != models.DeliveryQueued {
		return nil // delivered or given up by an earlier run
	}
	now := opt.Clock()
	if now.Sub(d.CreatedAt) > opt.MaxAge {
		last := d.LastError
		if last == "" {
			last = "not delivered"
		}
		return st.RecordDeliveryAttempt(ctx, id, store.DeliveryAttempt{At: now, Status: d.LastStatus,
			Error: fmt.Sprintf("given up after %s: %s", opt.MaxAge, last), GiveUp: true})
	}
	status, serr := post(ctx, client, opt.Timeout, d)
	a := store.DeliveryAttempt{At: opt.Clock(), Status: status}
	if serr != nil {
		a.Error = serr.Error()
	}
	if err := st.RecordDeliveryAttempt(ctx, id, a); err != nil {
		return err
	}
	return serr
}

// post sends one delivery and returns the status answered.
func post(ctx context.Context, client *http.Client, timeout time.Duration, d *store.PendingDelivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gapmap-webhooks/1")
	req.Header.Set("X-Gapmap-Event", d.Event)
	req.Header.Set("X-Gapmap-Delivery", d.DeliveryID)
	req.Header.Set("X-Gapmap-Signature", Sign(d.Secret, body))
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post to %s: %w", redact(d.URL), unwrapURL(err))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?"))
		if msg != "" {
			msg = ": " + msg
		}
		return resp.StatusCode, fmt.Errorf("%s answered %s%s", redact(d.URL), resp.Status, msg)
	}
	return resp.StatusCode, nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact gives a URL without its query, which may carry a secret.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the webhook URL"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// newClient is the HTTP client of deliveries: no proxy (it would connect
// for us, past the address check), no redirects (a 3xx is a failure, so a
// target cannot bounce a delivery to an internal address), and every
// connection's address checked as it is made.
func newClient(opt Options) *http.Client {
	d := &net.Dialer{Timeout: opt.Timeout}
	if !opt.AllowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("webhook connection to %q: not an IP address", host)
			}
			if why := refused(ip); why != "" {
				return fmt.Errorf("webhook connection to %s refused: %s", ip, why)
			}
			return nil
		}
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   opt.Timeout,
		ResponseHeaderTimeout: opt.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       time.Minute,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// refused says why a webhook may not connect to ip, or "" when it may.
func refused(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsMulticast():
		return "a multicast address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address (cloud metadata services live there)"
	case ip.IsUnspecified():
		return "an unspecified address"
	case netip.MustParsePrefix("100.64.0.0/10").Contains(ip):
		return "a shared (carrier-grade NAT) address"
	case netip.MustParsePrefix("0.0.0.0/8").Contains(ip):
		return "a \"this network\" address"
	}
	return ""
}

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckURL reports whether raw is an acceptable webhook target: an http or
// https URL of at most MaxURLLength characters, without credentials, whose
// host resolves only to public addresses (unless allowPrivate). The error
// names the field "url" and says what is wrong.
func CheckURL(ctx context.Context, res Resolver, raw string, allowPrivate bool) error {
	bad := func(msg string) error { return apperr.Field("url", "%s", msg) }
	if raw == "" {
		return bad("Give the URL that receives the events, e.g. https://ci.example.com/hooks/gapmap.")
	}
	if len(raw) > MaxURLLength {
		return bad(fmt.Sprintf("The URL is %d characters long; at most %d are accepted.", len(raw), MaxURLLength))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return bad("The URL must start with https:// or http:// and name a host.")
	}
	if u.User != nil {
		return bad("The URL may not carry a user name or password; use the secret to authenticate deliveries.")
	}
	if u.Fragment != "" {
		return bad("The URL may not have a #fragment.")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		addrs, err = res.LookupNetIP(lctx, "ip", host)
		if err != nil || len(addrs) == 0 {
			return bad(fmt.Sprintf("The host %q could not be resolved.", host))
		}
	}
	for _, ip := range addrs {
		if why := refused(ip); why != "" {
			return bad(fmt.Sprintf("The host %q resolves to %s, %s; webhooks may only reach public addresses.", host, ip.Unmap(), why))
		}
	}
	return nil
}
