package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"
)

// openapiYAML is the API's OpenAPI 3.1 description, written by hand and
// kept honest by the tests: every /api/v1 response a web test receives is
// validated against it (openapi_test.go), and every /api/v1 route must be
// in it. Add a route, describe it here in the same commit.
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON turns the embedded YAML into the JSON served at
// /api/v1/openapi.json, once, failing at start when it does not parse.
func openapiJSON() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		return nil, fmt.Errorf("web: openapi.yaml: %w", err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("web: openapi.yaml as JSON: %w", err)
	}
	return b, nil
}

// openapiDocument is the served JSON, made once.
var openapiDocument = sync.OnceValues(openapiJSON)

// openapi answers /api/v1/openapi.json with the document. Anyone may read
// it: it says what the API is, nothing about what the library holds.
func (s *Server) openapi(c *gin.Context) {
	b, err := openapiDocument()
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}
