package main

// Schnorr signatures as drand's DKG makes them: kyber's sign/schnorr over the scheme's key group, the suite
// drand's internal/dkg/execution.go builds (suite := sch.KeyGroup.(dkg.Suite); Auth: schnorr.NewScheme(suite)).
// drand's Scheme.DKGAuthScheme field is never read by drand itself; this op uses the scheme execution.go builds.
//
//	"schnorr_sign":   {scheme, secret, message} → signature (kyber draws the nonce k from its suite's random
//	                  stream, so two calls give two different signatures: compare by cross-verification)
//	"schnorr_verify": {scheme, public, message, signature} → true, or kyber's error

import (
	"encoding/hex"
	"encoding/json"

	"github.com/drand/drand/v2/crypto"
	"github.com/drand/kyber/share/dkg"
	"github.com/drand/kyber/sign"
	"github.com/drand/kyber/sign/schnorr"
)

func rcDKGAuth(sch *crypto.Scheme) sign.Scheme {
	return schnorr.NewScheme(sch.KeyGroup.(dkg.Suite))
}

func init() {
	register("schnorr_sign", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme  string `json:"scheme"`
			Secret  string `json:"secret"`
			Message string `json:"message"`
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
		msg, err := rcHex("message", req.Message)
		if err != nil {
			return nil, err
		}
		sig, err := rcDKGAuth(sch).Sign(secret, msg)
		if err != nil {
			return nil, err
		}
		return map[string]string{
			"public":    rcMarshal(sch.KeyGroup.Point().Mul(secret, nil)),
			"signature": hex.EncodeToString(sig),
		}, nil
	})
	register("schnorr_verify", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme    string `json:"scheme"`
			Public    string `json:"public"`
			Message   string `json:"message"`
			Signature string `json:"signature"`
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
		sig, err := rcHex("signature", req.Signature)
		if err != nil {
			return nil, err
		}
		if err := rcDKGAuth(sch).Verify(pub, msg, sig); err != nil {
			return nil, err
		}
		return true, nil
	})
}
