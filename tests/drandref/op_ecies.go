package main

// ECIES as kyber's share/dkg encrypts and decrypts deals (dkg.go: ecies.Encrypt(d.c.Suite, node.Public, msg,
// sha256.New) and ecies.Decrypt(d.c.Suite, d.long, deal.EncryptedShare, sha256.New)), the suite being the
// scheme's key group as drand's internal/dkg/execution.go sets it.
//
//	"ecies_encrypt": {scheme, public, message} → ciphertext (a fresh ephemeral key each call)
//	"ecies_decrypt": {scheme, secret, ciphertext} → message, or kyber's error

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/drand/kyber/encrypt/ecies"
)

func init() {
	register("ecies_encrypt", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme  string `json:"scheme"`
			Public  string `json:"public"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		sch, err := rcScheme(req.Scheme)
		if err != nil {
			return nil, err
		}
		pub, err := rcPoint(sch, req.Public)
		if err != nil {
			return nil, err
		}
		msg, err := rcHex("message", req.Message)
		if err != nil {
			return nil, err
		}
		out, err := ecies.Encrypt(sch.KeyGroup, pub, msg, sha256.New)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(out), nil
	})
	register("ecies_decrypt", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme     string `json:"scheme"`
			Secret     string `json:"secret"`
			Ciphertext string `json:"ciphertext"`
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
		ct, err := rcHex("ciphertext", req.Ciphertext)
		if err != nil {
			return nil, err
		}
		out, err := ecies.Decrypt(sch.KeyGroup, secret, ct, sha256.New)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(out), nil
	})
}
