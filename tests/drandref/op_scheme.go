package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/drand/drand/v2/common"
	"github.com/drand/drand/v2/crypto"
)

// drand's five schemes (crypto/schemes.go):
//
//	"scheme.list"          {}                                              crypto.ListSchemes
//	"scheme.digest"        {scheme, round, previous_signature}             scheme.DigestBeacon
//	"scheme.verify_beacon" {scheme, public_key, round, signature, previous_signature}
//	                        the key read in the scheme's key group (as chain info does), then scheme.VerifyBeacon;
//	                        true, or drand's error
//	"scheme.sizes"         {scheme}  the key and signature groups' point lengths

type schemeBeaconRequest struct {
	Scheme            string `json:"scheme"`
	PublicKey         string `json:"public_key"`
	Round             uint64 `json:"round"`
	Signature         string `json:"signature"`
	PreviousSignature string `json:"previous_signature"`
}

func schemeHex(field, text string) ([]byte, error) {
	out, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("drandref: %s is not hex: %w", field, err)
	}
	return out, nil
}

func schemeBeacon(raw json.RawMessage) (*crypto.Scheme, *common.Beacon, schemeBeaconRequest, error) {
	var req schemeBeaconRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, nil, req, err
	}
	sch, err := crypto.SchemeFromName(req.Scheme)
	if err != nil {
		return nil, nil, req, err
	}
	sig, err := schemeHex("signature", req.Signature)
	if err != nil {
		return nil, nil, req, err
	}
	prev, err := schemeHex("previous_signature", req.PreviousSignature)
	if err != nil {
		return nil, nil, req, err
	}
	return sch, &common.Beacon{Round: req.Round, Signature: sig, PreviousSig: prev}, req, nil
}

func init() {
	register("scheme.list", func(json.RawMessage) (any, error) {
		return crypto.ListSchemes(), nil
	})
	register("scheme.sizes", func(raw json.RawMessage) (any, error) {
		sch, _, _, err := schemeBeacon(raw)
		if err != nil {
			return nil, err
		}
		return map[string]int{
			"public_key": sch.KeyGroup.PointLen(), "signature": sch.SigGroup.PointLen(),
		}, nil
	})
	register("scheme.digest", func(raw json.RawMessage) (any, error) {
		sch, beacon, _, err := schemeBeacon(raw)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(sch.DigestBeacon(beacon)), nil
	})
	register("scheme.verify_beacon", func(raw json.RawMessage) (any, error) {
		sch, beacon, req, err := schemeBeacon(raw)
		if err != nil {
			return nil, err
		}
		keyBytes, err := schemeHex("public_key", req.PublicKey)
		if err != nil {
			return nil, err
		}
		key := sch.KeyGroup.Point()
		if err := key.UnmarshalBinary(keyBytes); err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		if err := sch.VerifyBeacon(beacon, key); err != nil {
			return nil, err
		}
		return true, nil
	})
}
