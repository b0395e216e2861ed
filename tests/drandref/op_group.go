package main

// A group file as drand reads it: key.Load (toml.DecodeFile into a GroupTOML, then Group.FromTOML) from a
// temporary file, then Group.Hash and Group.GetGenesisSeed (common/key/group.go).
//
//	"group_load": {toml} → {hash, genesis_seed, threshold, period_ns, catchup_period_ns, genesis_time,
//	              transition_time, scheme, id, nodes: [{index, address, key, signature, scheme}],
//	              public_key: [coefficients] or null}, or drand's refusal

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/drand/drand/v2/common/key"
)

func init() {
	register("group_load", func(raw json.RawMessage) (any, error) {
		var req struct {
			TOML string `json:"toml"`
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "drandref-group-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "group.toml")
		if err := os.WriteFile(path, []byte(req.TOML), 0o600); err != nil {
			return nil, err
		}
		g := new(key.Group)
		if err := key.Load(path, g); err != nil {
			return nil, err
		}
		hash := g.Hash() // before GetGenesisSeed, which stores the hash as the seed when none was read
		seed := g.GetGenesisSeed()
		nodes := make([]map[string]any, 0, len(g.Nodes))
		for _, n := range g.Nodes { // Hash sorted them by index, as drand does
			entry := map[string]any{
				"index":     n.Index,
				"address":   n.Addr,
				"key":       rcMarshal(n.Key),
				"signature": hex.EncodeToString(n.Signature),
				"scheme":    n.Scheme.Name,
			}
			nodes = append(nodes, entry)
		}
		var coefficients []string
		if g.PublicKey != nil {
			coefficients = make([]string, 0, len(g.PublicKey.Coefficients))
			for _, c := range g.PublicKey.Coefficients {
				coefficients = append(coefficients, rcMarshal(c))
			}
		}
		return map[string]any{
			"hash":              hex.EncodeToString(hash),
			"genesis_seed":      hex.EncodeToString(seed),
			"threshold":         g.Threshold,
			"period_ns":         int64(g.Period),
			"catchup_period_ns": int64(g.CatchupPeriod),
			"genesis_time":      g.GenesisTime,
			"transition_time":   g.TransitionTime,
			"scheme":            g.Scheme.Name,
			"id":                g.ID,
			"nodes":             nodes,
			"public_key":        coefficients,
		}, nil
	})
}
