package twiliotest

import (
	"context"
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// spec is Twilio's own OpenAPI description of api.twilio.com 2010-04-01
// (github.com/twilio/twilio-oai, MIT licence: testdata/LICENSE).
//
//go:embed testdata/twilio_api_v2010.json
var spec []byte

// SpecHost is the server the OpenAPI description names; requests to the
// fake are routed as if they had been sent there.
const SpecHost = "api.twilio.com"

// MaxTwiML is the longest inline TwiML the Calls API accepts, in
// characters (the Twiml parameter's documented limit).
const MaxTwiML = 4000

var (
	loadOnce  sync.Once
	oaRouter  routers.Router
	loadErr   error
	e164Re    = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	senderRe  = regexp.MustCompile(`^[A-Za-z0-9 ]{1,11}$`)
	shortCode = regexp.MustCompile(`^[0-9]{3,8}$`)
)

// router loads the OpenAPI description once per process and returns its
// router.
func router() (routers.Router, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(spec)
		if err != nil {
			loadErr = fmt.Errorf("load twilio openapi description: %w", err)
			return
		}
		oaRouter, err = gorillamux.NewRouter(doc)
		if err != nil {
			loadErr = fmt.Errorf("route twilio openapi description: %w", err)
		}
	})
	return oaRouter, loadErr
}

// formats checks the string formats Twilio's description uses, which
// kin-openapi does not know, as strictly as the real API treats them.
var formats = map[string]openapi3.StringFormatValidator{
	"phone-number": openapi3.NewCallbackValidator(checkPhoneNumber),
	"endpoint":     openapi3.NewCallbackValidator(checkEndpoint),
	"twiml":        openapi3.NewCallbackValidator(checkTwiML),
	"uri":          openapi3.NewCallbackValidator(checkURI),
}

// checkPhoneNumber accepts what Messages takes as To or From: E.164, a
// short code, an alphanumeric sender ID or a channel address
// ("whatsapp:+1…").
func checkPhoneNumber(s string) error {
	if _, rest, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(s, "+") {
		s = rest
	}
	switch {
	case e164Re.MatchString(s), shortCode.MatchString(s):
		return nil
	case !strings.HasPrefix(s, "+") && senderRe.MatchString(s) && strings.TrimSpace(s) == s:
		return nil
	}
	return errors.New("not an E.164 number, short code or sender id")
}

// checkEndpoint accepts what Calls takes as To or From: E.164, a SIP
// address or a client identifier.
func checkEndpoint(s string) error {
	switch {
	case e164Re.MatchString(s):
		return nil
	case strings.HasPrefix(s, "sip:"), strings.HasPrefix(s, "client:"):
		return nil
	}
	return errors.New("not an E.164 number, sip: address or client: identifier")
}

// checkTwiML accepts well-formed XML whose root is <Response>, at most
// MaxTwiML characters long: what Twilio can execute.
func checkTwiML(s string) error {
	if n := utf8.RuneCountInString(s); n > MaxTwiML {
		return fmt.Errorf("twiml has %d characters, more than %d", n, MaxTwiML)
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("twiml is not well-formed xml: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "Response" {
		return fmt.Errorf("twiml root element is %q, want Response", root)
	}
	return nil
}

// checkURI accepts an absolute http(s) URL with a host free of
// underscores, as Twilio's callback parameters require.
func checkURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an absolute http or https url")
	}
	if strings.Contains(u.Hostname(), "_") {
		return errors.New("host name has an underscore")
	}
	return nil
}

// validate checks r (whose body must be re-readable) against the
// description as a request to SpecHost. It returns the route's operation
// id, or an error saying why Twilio would refuse the request and which
// HTTP status it would answer.
func validate(r *http.Request, body []byte) (string, int, error) {
	rt, err := router()
	if err != nil {
		return "", http.StatusInternalServerError, err
	}
	req := r.Clone(context.Background())
	req.URL.Scheme, req.URL.Host, req.Host = "https", SpecHost, SpecHost
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	route, params, err := rt.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return "", http.StatusMethodNotAllowed, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err)
	case err != nil:
		return "", http.StatusNotFound, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError: true,
			// Credentials are checked by the fake itself; here only
			// their presence, as the description requires them.
			AuthenticationFunc: func(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
				if _, _, ok := ai.RequestValidationInput.Request.BasicAuth(); !ok {
					return errors.New("no basic credentials")
				}
				return nil
			},
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.EnableFormatValidation(),
				openapi3.WithStringFormatValidators(formats),
			},
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return route.Operation.OperationID, http.StatusBadRequest, err
	}
	return route.Operation.OperationID, 0, nil
}
