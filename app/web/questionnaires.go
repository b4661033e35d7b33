package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/wording"
	"gapmap/models"
	"gapmap/questionnaires"
)

// maxQuestionnaireUpload bounds an uploaded questionnaire file.
const maxQuestionnaireUpload = 1 << 20

// findQuestionnaire returns the latest version of key usable by the org.
func (s *Server) findQuestionnaire(c *fiber.Ctx, orgID int64, key string) (*questionnaires.Questionnaire, error) {
	for _, q := range s.shipped {
		if q.Key == key {
			return q, nil
		}
	}
	p, err := s.store.OrgQuestionnaire(c.UserContext(), orgID, key)
	if err != nil {
		return nil, err
	}
	return p.Q, nil
}

func (s *Server) apiQuestionnaires(c *fiber.Ctx) error {
	avail, err := s.roundChoices(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	qs := make([]*questionnaires.Questionnaire, len(avail))
	for i, a := range avail {
		qs[i] = a.Q
	}
	return c.JSON(qs)
}

func (s *Server) apiQuestionnaire(c *fiber.Ctx) error {
	q, err := s.findQuestionnaire(c, principalOf(c).OrgID, c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(q)
}

// uploadQuestionnaire validates and stores an organization's questionnaire,
// and returns it with the file's warnings. Invalid files give EInvalid with
// every problem in Details["errors"].
func (s *Server) uploadQuestionnaire(c *fiber.Ctx, name string, data []byte) (*store.PinnedQuestionnaire, questionnaires.ValidationErrors, error) {
	if len(data) > maxQuestionnaireUpload {
		return nil, nil, apperr.Errorf(apperr.ETooLarge, "A questionnaire file may be at most 1 MiB.")
	}
	q, err := questionnaires.Parse(name, data)
	var verrs questionnaires.ValidationErrors
	if errors.As(err, &verrs) {
		return nil, nil, &apperr.Error{Code: apperr.EInvalid, Message: "The questionnaire is not valid: " + wording.Count(verrs.Count(), "problem") + " found.", Details: map[string]any{"errors": verrs}}
	}
	if err != nil {
		return nil, nil, apperr.Errorf(apperr.EInvalid, "The questionnaire could not be read: %v", err)
	}
	for _, sq := range s.shipped {
		if sq.Key == q.Key {
			return nil, nil, &apperr.Error{Code: apperr.EInvalid, Field: "key", Message: "The key " + q.Key + " belongs to a questionnaire shipped with gapmap; choose another key.",
				Details: map[string]any{"errors": questionnaires.ValidationErrors{{File: name, Path: "key", Message: "reserved by a shipped questionnaire"}}}}
		}
	}
	p, err := s.store.UploadQuestionnaire(c.UserContext(), principalOf(c).OrgID, q, data)
	return p, q.Warnings(), err
}

func (s *Server) apiUploadQuestionnaire(c *fiber.Ctx) error {
	p, warnings, err := s.uploadQuestionnaire(c, "upload.yaml", c.Body())
	if err != nil {
		return err
	}
	// The stored questionnaire, with the problems that an imported file
	// may have (missing help texts or recommendations) as "warnings".
	return c.Status(fiber.StatusCreated).JSON(struct {
		*questionnaires.Questionnaire
		Warnings questionnaires.ValidationErrors `json:"warnings,omitempty"`
	}{p.Q, warnings})
}

func (s *Server) questionnairesPage(c *fiber.Ctx) error {
	return s.renderQuestionnaires(c, fiber.Map{})
}

func (s *Server) renderQuestionnaires(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	own, err := s.store.OrgQuestionnaires(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	data["Title"] = "Questionnaires"
	data["Shipped"] = s.shipped
	data["Own"] = own
	data["CanUpload"] = p.Role.AtLeast(models.RoleAdmin)
	return s.render(c, "questionnaires/index", data)
}

func (s *Server) questionnairePage(c *fiber.Ctx) error {
	q, err := s.findQuestionnaire(c, principalOf(c).OrgID, c.Params("key"))
	if err != nil {
		return err
	}
	recs := map[string][]questionnaires.Recommendation{}
	for _, r := range q.Recommendations {
		recs[r.Dimension] = append(recs[r.Dimension], r)
	}
	return s.render(c, "questionnaires/show", fiber.Map{"Title": q.Title, "Q": q, "Recs": recs})
}

func (s *Server) uploadQuestionnaireForm(c *fiber.Ctx) error {
	name, data, err := uploadedFile(c, "file")
	if err == nil && len(data) == 0 {
		name, data = "pasted.yaml", []byte(c.FormValue("yaml"))
	}
	if err == nil {
		var (
			p        *store.PinnedQuestionnaire
			warnings questionnaires.ValidationErrors
		)
		if p, warnings, err = s.uploadQuestionnaire(c, name, data); err == nil {
			msg := "Questionnaire “" + p.Q.Title + "” stored as version " + itoa(p.Seq) + "."
			if n := len(warnings); n > 0 {
				msg += " " + wording.Count(n, "warning") + ": help texts or recommendations are missing, as an imported questionnaire allows (gapmap questionnaires validate lists them)."
			}
			return s.redirectFlash(c, "/questionnaires/"+p.Q.Key, "success", msg)
		}
	}
	ae, ok := apperr.As(err)
	if !ok || ae.Code == apperr.EInternal {
		return err
	}
	c.Status(statusOf(ae.Code))
	return s.renderQuestionnaires(c, fiber.Map{"Error": ae.Message, "UploadErrors": ae.Details["errors"]})
}

// uploadedFile reads a multipart file field; no file gives empty data.
func uploadedFile(c *fiber.Ctx, field string) (string, []byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return "", nil, nil
	}
	if fh.Size > maxQuestionnaireUpload {
		return "", nil, apperr.Errorf(apperr.ETooLarge, "The file is larger than 1 MiB.")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, apperr.Errorf(apperr.EBadRequest, "The uploaded file cannot be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxQuestionnaireUpload+1))
	if err != nil {
		return "", nil, apperr.Errorf(apperr.EBadRequest, "The uploaded file cannot be read.")
	}
	return fh.Filename, data, nil
}

// encodedDefinition is the full JSON of a questionnaire version with its
// strong ETag.
type encodedDefinition struct {
	body []byte
	etag string
}

// apiQuestionnaireVersion answers GET
// /api/v1/questionnaires/{key}/versions/{hash}: the full definition of a
// pinned version, immutable. It needs no credentials: its content is the
// questionnaire's text, and the hash, the SHA-256 of the source, cannot be
// guessed, so an organization's upload is reachable only by someone who was
// given its exact hash (its survey respondents), never listed or found.
func (s *Server) apiQuestionnaireVersion(c *fiber.Ctx) error {
	key, hash := c.Params("key"), c.Params("hash")
	if !isSHA256Hex(hash) {
		return apperr.NotFound("questionnaire version")
	}
	id, err := s.store.VersionByHash(c.UserContext(), key, hash)
	if err != nil {
		return err
	}
	def, err := s.encodedDefinition(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, immutableCache)
	c.Set(fiber.HeaderETag, def.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), def.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(def.body)
}

// encodedDefinition is the full JSON of a version, encoded once.
func (s *Server) encodedDefinition(ctx context.Context, versionID int64) (*encodedDefinition, error) {
	if v, ok := s.definitions.Load(versionID); ok {
		return v.(*encodedDefinition), nil
	}
	q, err := s.store.Definition(ctx, versionID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode questionnaire %s: %w", q.Key, err)
	}
	sum := sha256.Sum256(body)
	def := &encodedDefinition{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	s.definitions.Store(versionID, def)
	return def, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
