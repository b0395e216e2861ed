package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/drand/drand/v2/crypto"
	"github.com/drand/kyber"
	"github.com/drand/kyber/share"
)

// kyber's threshold BLS (sign/tbls), as each drand scheme's ThresholdScheme:
//
//	"tbls.recover" {scheme, commits, message, partials, t, n}
//	    commits: the public polynomial's coefficients in the scheme's key group (share.NewPubPoly, base
//	    the group's generator); partials: index-prefixed partial signatures. ThresholdScheme.Recover.
//	"tbls.verify_partial" {scheme, commits, message, partial}  ThresholdScheme.VerifyPartial: true or error

type tblsRequest struct {
	Scheme   string   `json:"scheme"`
	Commits  []string `json:"commits"`
	Message  string   `json:"message"`
	Partials []string `json:"partials"`
	Partial  string   `json:"partial"`
	T        int      `json:"t"`
	N        int      `json:"n"`
}

func tblsParse(raw json.RawMessage) (*crypto.Scheme, *share.PubPoly, []byte, tblsRequest, error) {
	var req tblsRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, nil, nil, req, err
	}
	sch, err := crypto.SchemeFromName(req.Scheme)
	if err != nil {
		return nil, nil, nil, req, err
	}
	commits := make([]kyber.Point, len(req.Commits))
	for i, text := range req.Commits {
		data, err := hex.DecodeString(text)
		if err != nil {
			return nil, nil, nil, req, fmt.Errorf("drandref: commit %d is not hex: %w", i, err)
		}
		commits[i] = sch.KeyGroup.Point()
		if err := commits[i].UnmarshalBinary(data); err != nil {
			return nil, nil, nil, req, fmt.Errorf("drandref: commit %d: %w", i, err)
		}
	}
	msg, err := hex.DecodeString(req.Message)
	if err != nil {
		return nil, nil, nil, req, fmt.Errorf("drandref: message is not hex: %w", err)
	}
	return sch, share.NewPubPoly(sch.KeyGroup, nil, commits), msg, req, nil
}

func init() {
	register("tbls.recover", func(raw json.RawMessage) (any, error) {
		sch, public, msg, req, err := tblsParse(raw)
		if err != nil {
			return nil, err
		}
		partials := make([][]byte, len(req.Partials))
		for i, text := range req.Partials {
			if partials[i], err = hex.DecodeString(text); err != nil {
				return nil, fmt.Errorf("drandref: partial %d is not hex: %w", i, err)
			}
		}
		sig, err := sch.ThresholdScheme.Recover(public, msg, partials, req.T, req.N)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(sig), nil
	})
	register("tbls.verify_partial", func(raw json.RawMessage) (any, error) {
		sch, public, msg, req, err := tblsParse(raw)
		if err != nil {
			return nil, err
		}
		partial, err := hex.DecodeString(req.Partial)
		if err != nil {
			return nil, fmt.Errorf("drandref: partial is not hex: %w", err)
		}
		if err := sch.ThresholdScheme.VerifyPartial(public, msg, partial); err != nil {
			return nil, err
		}
		return true, nil
	})
}
