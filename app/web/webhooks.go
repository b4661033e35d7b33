package web

import (
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/store"
	"gapmap/app/webhooks"
	"gapmap/models"
)

type webhookJSON struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"created_at"`
}

func toWebhookJSON(w models.Webhook) webhookJSON {
	return webhookJSON{ID: w.ID, URL: w.URL, Events: strings.Split(w.Events, ","), CreatedAt: w.CreatedAt}
}

type deliveryJSON struct {
	ID          int64      `json:"id"`
	DeliveryID  string     `json:"delivery_id"`
	Event       string     `json:"event"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
}

// createWebhook checks the target and stores the webhook.
func (s *Server) createWebhook(c *fiber.Ctx, in store.WebhookInput) (*models.Webhook, error) {
	in.URL = strings.TrimSpace(in.URL)
	if err := webhooks.CheckURL(c.UserContext(), net.DefaultResolver, in.URL, s.cfg.WebhookAllowPrivate); err != nil {
		return nil, err
	}
	return s.store.CreateWebhook(c.UserContext(), principalOf(c).OrgID, in)
}

func (s *Server) apiWebhooks(c *fiber.Ctx) error {
	ws, err := s.store.Webhooks(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	out := make([]webhookJSON, 0, len(ws))
	for _, w := range ws {
		out = append(out, toWebhookJSON(w))
	}
	return c.JSON(out)
}

func (s *Server) apiCreateWebhook(c *fiber.Ctx) error {
	var b struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
		Secret string   `json:"secret"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	w, err := s.createWebhook(c, store.WebhookInput{URL: b.URL, Events: b.Events, Secret: b.Secret})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toWebhookJSON(*w))
}

func (s *Server) apiDeleteWebhook(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// webhookDeliveries reads the delivery log of webhook :id.
func (s *Server) webhookDeliveries(c *fiber.Ctx) (*models.Webhook, []deliveryJSON, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	orgID := principalOf(c).OrgID
	w, err := s.store.Webhook(c.UserContext(), orgID, id)
	if err != nil {
		return nil, nil, err
	}
	ds, err := s.store.WebhookDeliveries(c.UserContext(), orgID, id, store.MaxDeliveryLog)
	if err != nil {
		return nil, nil, err
	}
	out := make([]deliveryJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, deliveryJSON{ID: d.ID, DeliveryID: d.DeliveryID, Event: d.Event, Status: d.Status, Attempts: d.Attempts,
			LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt})
	}
	return w, out, nil
}

func (s *Server) apiWebhookDeliveries(c *fiber.Ctx) error {
	_, ds, err := s.webhookDeliveries(c)
	if err != nil {
		return err
	}
	return c.JSON(ds)
}

// Pages.

func (s *Server) webhooksPage(c *fiber.Ctx) error {
	return s.renderWebhooks(c, fiber.Map{})
}

func (s *Server) renderWebhooks(c *fiber.Ctx, data fiber.Map) error {
	ws, err := s.store.Webhooks(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	hooks := make([]webhookJSON, 0, len(ws))
	for _, w := range ws {
		hooks = append(hooks, toWebhookJSON(w))
	}
	data["Title"] = "Webhooks"
	data["Webhooks"] = hooks
	data["Events"] = models.WebhookEvents()
	if _, ok := data["Chosen"]; !ok {
		data["Chosen"] = map[string]bool{}
	}
	return s.render(c, "webhooks/index", data)
}

func (s *Server) createWebhookForm(c *fiber.Ctx) error {
	var events []string
	chosen := map[string]bool{}
	for _, e := range models.WebhookEvents() {
		if c.FormValue("event_"+e) != "" {
			events = append(events, e)
			chosen[e] = true
		}
	}
	_, err := s.createWebhook(c, store.WebhookInput{URL: c.FormValue("url"), Events: events, Secret: c.FormValue("secret")})
	if err != nil {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["NewURL"] = c.FormValue("url")
			data["Chosen"] = chosen
			return s.renderWebhooks(c, data)
		})
	}
	return s.redirectFlash(c, "/webhooks", "success", "Webhook added. Its deliveries are listed under “Deliveries”.")
}

func (s *Server) deleteWebhookForm(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.UserContext(), principalOf(c).OrgID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/webhooks", "success", "Webhook deleted.")
}

func (s *Server) webhookPage(c *fiber.Ctx) error {
	w, ds, err := s.webhookDeliveries(c)
	if err != nil {
		return err
	}
	return s.render(c, "webhooks/deliveries", fiber.Map{"Title": "Webhook deliveries", "Webhook": toWebhookJSON(*w), "Deliveries": ds})
}
