package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"mime/multipart"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestKillServeDuringUploads uploads documents and new versions of them
// by API as fast as answers come and kills serve (kill -9) at a random
// moment, ten times. After each restart verify finds every held file with
// its hash, every acknowledged upload and version is there, and each item
// is whole: its text is its latest version's (the versions alternate
// between a Word document and a presentation, with words of their own).
func TestKillServeDuringUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	token := staffToken(t, bin, data)
	docs := [][2]string{{"policy.docx", "4567"}, {"briefing.pptx", "County lines"}}
	files := [][]byte{fixture(t, docs[0][0]), fixture(t, docs[1][0])}
	post := func(base, path string, fields map[string]string, n int) (int, map[string]any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", docs[n%2][0])
		fw.Write(files[n%2])
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, base+path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	rng := rand.New(rand.NewSource(12))
	acked := map[string]int{} // id -> versions acknowledged
	const kills = 10
	for i := 0; i < kills; i++ {
		srv := startServe(t, bin, data)
		stop := make(chan struct{})
		done := make(chan map[string]int, 1)
		go func() {
			got := map[string]int{}
			defer func() { done <- got }()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				code, out := post(srv.base, "/api/v1/resources", map[string]string{"title": fmt.Sprintf("Upload %d-%d", i, n)}, 0)
				if code != http.StatusCreated {
					return
				}
				id, _ := out["id"].(string)
				got[id] = 1
				for v := 2; v <= 3; v++ {
					if code, _ := post(srv.base, "/api/v1/resources/"+id+"/versions", map[string]string{"label": fmt.Sprintf("V%d", v)}, v-1); code != http.StatusCreated {
						return
					}
					got[id] = v
				}
			}
		}()
		time.Sleep(time.Duration(100+rng.Intn(600)) * time.Millisecond)
		srv.kill()
		close(stop)
		for id, n := range <-done {
			acked[id] = n
		}
		verify(t, bin, data) // fails on a missing or changed file
		out, err := exec.Command(bin, "export", "--data", data, "--format", "jsonl", "--log-level", "error").Output()
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		have := map[string]int{}
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var r struct {
				ID, Body string
				Versions []struct{ Label string }
			}
			if err := dec.Decode(&r); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(r.ID, "upload-") {
				continue
			}
			n := len(r.Versions)
			have[r.ID] = n
			if n == 0 {
				t.Fatalf("kill %d: %s has no file", i, r.ID)
			}
			// The text is the latest version's: odd versions are the Word
			// document, even ones the presentation.
			if word, other := docs[(n-1)%2][1], docs[n%2][1]; !strings.Contains(r.Body, word) || strings.Contains(r.Body, other) {
				t.Fatalf("kill %d: %s has %d versions but the text of another", i, r.ID, n)
			}
		}
		for id, n := range acked {
			if have[id] < n {
				t.Fatalf("kill %d: %s was acknowledged with %d versions, has %d", i, id, n, have[id])
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("no upload was acknowledged before any kill: the test proved nothing")
	}
	t.Logf("%d uploads acknowledged across %d kills", len(acked), kills)
}
