// Command drandref answers JSON requests with what drand's, kyber's and tlock's own Go functions compute.
//
// It is the referee of drand-edu's differential tests (tests/drandref.py): one request per line on
// standard input, {"op": "<name>", ...fields}, one answer per line on standard output:
//
//	{"ok": <result>}       the function returned
//	{"error": "<text>"}    the function refused (returned an error)
//	{"panic": "<text>"}    the function panicked (a difference worth knowing too)
//
// Every op lives in its own op_*.go file and registers itself in init(). Ops call drand's code; they do not
// re-implement it. Byte strings travel as lowercase hex.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// handler answers one request; raw is the whole request object (its "op" field included).
type handler func(raw json.RawMessage) (any, error)

var ops = map[string]handler{}

// register adds an op; two files registering the same name is a programming error.
func register(name string, h handler) {
	if _, dup := ops[name]; dup {
		panic("drandref: op registered twice: " + name)
	}
	ops[name] = h
}

func init() {
	register("ops", func(json.RawMessage) (any, error) {
		names := make([]string, 0, len(ops))
		for name := range ops {
			names = append(names, name)
		}
		sort.Strings(names)
		return names, nil
	})
}

func answer(raw []byte) (out map[string]any) {
	defer func() {
		if p := recover(); p != nil {
			out = map[string]any{"panic": fmt.Sprint(p)}
		}
	}()
	var head struct {
		Op string `json:"op"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return map[string]any{"error": "drandref: request is not JSON: " + err.Error()}
	}
	h, ok := ops[head.Op]
	if !ok {
		return map[string]any{"error": "drandref: unknown op " + head.Op}
	}
	result, err := h(raw)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"ok": result}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		if err := out.Encode(answer(in.Bytes())); err != nil {
			fmt.Fprintln(os.Stderr, "drandref:", err)
			os.Exit(1)
		}
	}
}
