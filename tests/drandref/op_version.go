package main

import (
	"encoding/json"

	"github.com/drand/drand/v2/common"
)

// "version": drand's own version string, so a test can tell which drand answered.
func init() {
	register("version", func(json.RawMessage) (any, error) {
		return common.GetAppVersion().String(), nil
	})
}
