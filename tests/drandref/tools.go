//go:build tools

// The binaries `make drandref` builds beside the reference program, from the same module graph:
// drand's daemon and CLI, tlock's tle and go-clients' drand-client. This file only records them as dependencies.
package main

import (
	_ "github.com/drand/drand/v2/cmd/drand"
	_ "github.com/drand/go-clients"
	_ "github.com/drand/tlock/cmd/tle"
)
