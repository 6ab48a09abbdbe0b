// A real Go crypto/tls peer for the agent's tests (standard library only), built by the tests with the machine's Go:
//
//	peer server PORT CERT KEY      HTTPS on 127.0.0.1:PORT, HTTP/1.1 only; /hello answers 200, anything else 404
//	peer client URL...             GETs each URL in turn on one keep-alive connection, certificate not verified
//
// HTTP/2 is off at both ends (an empty TLSNextProto), so the requests travel as HTTP/1.1 inside TLS.
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: peer server PORT CERT KEY | peer client URL...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		serve(os.Args[2], os.Args[3], os.Args[4])
	case "client":
		get(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

func serve(port, cert, key string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello over go tls\n")
	})
	server := &http.Server{
		Handler:      mux,
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	listener, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("Serving HTTPS")
	if err := server.ServeTLS(listener, cert, key); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func get(urls []string) {
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
			TLSNextProto:    map[string]func(string, *tls.Conn) http.RoundTripper{},
		},
	}
	for _, url := range urls {
		response, err := client.Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, response.Body)
		response.Body.Close()
		fmt.Println(response.StatusCode)
		// Paced, so the agent reads who this process is while it still runs.
		time.Sleep(200 * time.Millisecond)
	}
}
