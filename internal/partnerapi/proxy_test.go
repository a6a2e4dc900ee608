package partnerapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"partnerdesk/internal/sandbox"
)

// Go reads the proxy variables once per process and never proxies requests
// to loopback hosts. So the proxy test runs the client in a child process
// (this test binary again, see TestProxyChild) with HTTP_PROXY, HTTPS_PROXY
// and NO_PROXY set, against made-up host names that only the proxy, on
// 127.0.0.1, knows how to reach. Nothing is ever looked up in DNS.

// recordingProxy is a forward proxy on 127.0.0.1 that sends every request,
// whatever its host, to one upstream address, and records what it saw.
type recordingProxy struct {
	upstream string // host:port every request and tunnel goes to
	mu       sync.Mutex
	seen     []string // "GET http://host/path" or "CONNECT host:port"
}

func (p *recordingProxy) record(s string) {
	p.mu.Lock()
	p.seen = append(p.seen, s)
	p.mu.Unlock()
}

func (p *recordingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.record("CONNECT " + r.Host)
		up, err := net.Dial("tcp", p.upstream)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { io.Copy(up, buf); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
		return
	}
	p.record(r.Method + " " + r.URL.Scheme + "://" + r.URL.Host + r.URL.Path)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = p.upstream
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func TestRequestsGoThroughTheProxyTheEnvironmentNames(t *testing.T) {
	if os.Getenv("PARTNERDESK_PROXY_CHILD") != "" {
		t.Skip("this process is the child of this test, here to run TestProxyChild")
	}
	srv, token := startSandbox(t, sandbox.Options{Zaps: 7}, "zap")
	// The same sandbox over TLS: httptest's certificate is for example.com.
	tlsSrv := httptest.NewTLSServer(srv.Handler())
	defer tlsSrv.Close()

	plain := &recordingProxy{upstream: strings.TrimPrefix(srv.URL(), "http://")}
	plainProxy := httptest.NewServer(plain)
	defer plainProxy.Close()
	tunnel := &recordingProxy{upstream: strings.TrimPrefix(tlsSrv.URL, "https://")}
	tunnelProxy := httptest.NewServer(tunnel)
	defer tunnelProxy.Close()

	_, port, _ := net.SplitHostPort(tunnel.upstream)
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	cmd := exec.Command(os.Args[0], "-test.run=^TestProxyChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(),
		"PARTNERDESK_PROXY_CHILD=1",
		"HTTP_PROXY="+plainProxy.URL, "HTTPS_PROXY="+tunnelProxy.URL,
		"http_proxy=", "https_proxy=", "no_proxy=", "REQUEST_METHOD=",
		"NO_PROXY=direct.partnerdesk.test",
		"CHILD_TOKEN="+token,
		"CHILD_PLAIN_BASE=http://api.partnerdesk.test",
		"CHILD_TLS_BASE=https://example.com:"+port,
		"CHILD_CERT="+string(cert),
		"CHILD_HTTPS_PROXY="+tunnelProxy.URL,
	)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProxyChild") {
		t.Fatalf("the child failed: %v\n%s", err, out)
	}
	if len(plain.seen) == 0 || len(tunnel.seen) == 0 {
		t.Fatalf("the proxies saw %q and %q", plain.seen, tunnel.seen)
	}
	for _, s := range plain.seen {
		if !strings.HasPrefix(s, "GET http://api.partnerdesk.test/v1/zaps") {
			t.Errorf("the http proxy saw %q", s)
		}
	}
	for _, s := range tunnel.seen {
		if s != "CONNECT example.com:"+port {
			t.Errorf("the https proxy saw %q", s)
		}
	}
}

// TestProxyChild is the client's side of the proxy test; alone it does
// nothing.
func TestProxyChild(t *testing.T) {
	if os.Getenv("PARTNERDESK_PROXY_CHILD") == "" {
		t.Skip("runs only as a child of TestRequestsGoThroughTheProxyTheEnvironmentNames")
	}
	token := os.Getenv("CHILD_TOKEN")
	ep := mustEndpoint(t, "v1/zaps")

	// Plain http, through HTTP_PROXY, with the default client.
	pages, err := collect(t, &Client{BaseURL: os.Getenv("CHILD_PLAIN_BASE"), Token: token}, ep, ListOptions{PageSize: 3, All: true})
	if err != nil || len(pages) != 3 || pages[2].Fetched != 7 {
		t.Fatalf("through HTTP_PROXY: %d pages, %v", len(pages), err)
	}

	// https, tunnelled through HTTPS_PROXY, with the default transport
	// trusting the test server's certificate.
	block, _ := pem.Decode([]byte(os.Getenv("CHILD_CERT")))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	tr := newTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	c := &Client{BaseURL: os.Getenv("CHILD_TLS_BASE"), Token: token, HTTP: &http.Client{Transport: tr}}
	if _, err := c.Get(context.Background(), "/v1/zaps", nil); err != nil {
		t.Fatalf("through HTTPS_PROXY: %v", err)
	}

	// NO_PROXY, checked without connecting.
	for target, want := range map[string]string{
		"https://api.zapier.com/v1/zaps":          os.Getenv("CHILD_HTTPS_PROXY"),
		"https://direct.partnerdesk.test/v1/zaps": "",
		"http://127.0.0.1:1/v1/zaps":              "", // Go never proxies loopback
	} {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		got, err := newTransport().Proxy(req)
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil && want != "") || (got != nil && got.String() != want) {
			t.Errorf("proxy for %s = %v, want %q", target, got, want)
		}
	}
}
