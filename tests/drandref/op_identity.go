package main

// Identity self-signatures, as drand's common/key/keys.go makes and checks them.
//
//	"identity_self_sign":      {scheme, secret} → {public, hash, signature}: key.Pair.SelfSign (BLS is
//	                            deterministic, so the bytes compare with ours)
//	"identity_valid_signature": {scheme, key, signature} → true, or the error of key.Identity.ValidSignature
//	                            (an undecodable key is refused by key.StringToPoint, as Identity.FromTOML does)
//
// The helpers rcScheme, rcHex, rcScalar and rcPoint are shared by the ops of the crypto family
// (op_identity, op_schnorr, op_ecies, op_dkgpacket, op_group).

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/drand/drand/v2/common/key"
	"github.com/drand/drand/v2/crypto"
	"github.com/drand/kyber"
)

// rcScheme is drand's crypto.SchemeFromName (an empty name is refused here; the group op uses
// drand's own defaulting through FromTOML).
func rcScheme(name string) (*crypto.Scheme, error) {
	return crypto.SchemeFromName(name)
}

func rcHex(field, text string) ([]byte, error) {
	b, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("drandref: %s is not hex: %w", field, err)
	}
	return b, nil
}

// rcScalar decodes a big-endian scalar of the scheme's key group with drand's key.StringToScalar.
func rcScalar(sch *crypto.Scheme, text string) (kyber.Scalar, error) {
	return key.StringToScalar(sch.KeyGroup, text)
}

// rcPoint decodes a key-group point with drand's key.StringToPoint.
func rcPoint(sch *crypto.Scheme, text string) (kyber.Point, error) {
	return key.StringToPoint(sch.KeyGroup, text)
}

func rcMarshal(p kyber.Point) string {
	b, err := p.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func init() {
	register("identity_self_sign", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme  string `json:"scheme"`
			Secret  string `json:"secret"`
			Address string `json:"address"`
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		sch, err := rcScheme(req.Scheme)
		if err != nil {
			return nil, err
		}
		secret, err := rcScalar(sch, req.Secret)
		if err != nil {
			return nil, err
		}
		pub := sch.KeyGroup.Point().Mul(secret, nil)
		pair := &key.Pair{Key: secret, Public: &key.Identity{Key: pub, Addr: req.Address, Scheme: sch}}
		if err := pair.SelfSign(); err != nil {
			return nil, err
		}
		return map[string]string{
			"public":    rcMarshal(pub),
			"hash":      hex.EncodeToString(pair.Public.Hash()),
			"signature": hex.EncodeToString(pair.Public.Signature),
		}, nil
	})
	register("identity_valid_signature", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme    string `json:"scheme"`
			Key       string `json:"key"`
			Signature string `json:"signature"`
			Address   string `json:"address"`
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		sch, err := rcScheme(req.Scheme)
		if err != nil {
			return nil, err
		}
		// the path of a public key file: key.Identity.FromTOML with drand's own decoding
		id := new(key.Identity)
		if err := id.FromTOML(&key.PublicTOML{
			Address: req.Address, Key: req.Key, Signature: req.Signature, SchemeName: req.Scheme,
		}); err != nil {
			return nil, err
		}
		if err := id.ValidSignature(); err != nil {
			return nil, err
		}
		_ = sch
		return true, nil
	})
}
