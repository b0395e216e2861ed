package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drand/drand/v2/common/chain"
	"github.com/drand/drand/v2/crypto"
)

// Chain info, as drand reads, writes and hashes it (common/chain/info.go and convert.go):
//
//	"chain.info_unmarshal"  {json}  json.Unmarshal into chain.Info: its UnmarshalJSON, v2 and v1 fields
//	"chain.info_from_json"  {json}  chain.InfoFromJSON: the v1 protobuf form (what go-clients' HTTP client reads)
//	"chain.info_hash"       {public_key, scheme, period, genesis_time, genesis_seed, beacon_id}  Info.Hash
//	"chain.info_marshal"    {same}  Info.MarshalJSON (the v2 form)
//	"chain.info_to_json"    {same}  Info.ToJSON(w, nil) (the v1 form, ToProto through hexjson)
//
// An info comes back as {public_key, beacon_id, period (seconds), scheme, genesis_time, genesis_seed, hash}.

type chainInfoFields struct {
	PublicKey   string `json:"public_key"`
	Scheme      string `json:"scheme"`
	Period      int64  `json:"period"`
	GenesisTime int64  `json:"genesis_time"`
	GenesisSeed string `json:"genesis_seed"`
	BeaconID    string `json:"beacon_id"`
}

func chainInfoResult(info *chain.Info) (map[string]any, error) {
	key, err := info.PublicKey.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"public_key":   hex.EncodeToString(key),
		"beacon_id":    info.ID,
		"period":       int64(info.Period / time.Second),
		"scheme":       info.Scheme,
		"genesis_time": info.GenesisTime,
		"genesis_seed": hex.EncodeToString(info.GenesisSeed),
		"hash":         info.HashString(),
	}, nil
}

// chainInfoBuild makes a chain.Info from its fields, the key read in the scheme's key group.
func chainInfoBuild(raw json.RawMessage) (*chain.Info, error) {
	var req chainInfoFields
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	sch, err := crypto.GetSchemeByID(req.Scheme)
	if err != nil {
		return nil, err
	}
	keyBytes, err := hex.DecodeString(req.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public_key: %w", err)
	}
	key := sch.KeyGroup.Point()
	if err := key.UnmarshalBinary(keyBytes); err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(req.GenesisSeed)
	if err != nil {
		return nil, fmt.Errorf("genesis_seed: %w", err)
	}
	return &chain.Info{
		PublicKey:   key,
		ID:          req.BeaconID,
		Period:      time.Duration(req.Period) * time.Second,
		Scheme:      sch.Name,
		GenesisTime: req.GenesisTime,
		GenesisSeed: seed,
	}, nil
}

func chainDocument(raw json.RawMessage) (string, error) {
	var req struct {
		JSON string `json:"json"`
	}
	err := json.Unmarshal(raw, &req)
	return req.JSON, err
}

func init() {
	register("chain.info_unmarshal", func(raw json.RawMessage) (any, error) {
		doc, err := chainDocument(raw)
		if err != nil {
			return nil, err
		}
		info := new(chain.Info)
		if err := json.Unmarshal([]byte(doc), info); err != nil {
			return nil, err
		}
		return chainInfoResult(info)
	})
	register("chain.info_from_json", func(raw json.RawMessage) (any, error) {
		doc, err := chainDocument(raw)
		if err != nil {
			return nil, err
		}
		info, err := chain.InfoFromJSON(strings.NewReader(doc))
		if err != nil {
			return nil, err
		}
		return chainInfoResult(info)
	})
	register("chain.info_hash", func(raw json.RawMessage) (any, error) {
		info, err := chainInfoBuild(raw)
		if err != nil {
			return nil, err
		}
		return info.HashString(), nil
	})
	register("chain.info_marshal", func(raw json.RawMessage) (any, error) {
		info, err := chainInfoBuild(raw)
		if err != nil {
			return nil, err
		}
		out, err := json.Marshal(info)
		return string(out), err
	})
	register("chain.info_to_json", func(raw json.RawMessage) (any, error) {
		info, err := chainInfoBuild(raw)
		if err != nil {
			return nil, err
		}
		var out strings.Builder
		err = info.ToJSON(&out, nil)
		return out.String(), err
	})
}
