package main

// Ops of the "tlock" family: timelock encryption and decryption with tlock v1.2.0's own functions.
//
//   - "tlock_encrypt" / "tlock_decrypt": a whole age file, through tlock.New(network).Encrypt / Decrypt (the
//     path `tle` takes), with a small Network that serves the given chain hash, public key, scheme and the
//     given round signature. "armor" wraps the output in age's armor, as `tle --armor` does.
//   - "tlock_timelock" / "tlock_timeunlock": the stanza body alone, tlock.TimeLock + CiphertextToBytes and
//     BytesToCiphertext + TimeUnlock.
//
// "randomness" (hex, optional) replaces crypto/rand.Reader while the op runs (this program answers one
// request at a time): age's file key, the IBE sigma and age's payload nonce are all read with
// crypto/rand.Read, which honours a replaced Reader, so a caller that draws the same bytes gets the same
// ciphertext. Without it the op uses the system's randomness.
//
// evmnet (bls-bn254-unchained-on-g1): tlock v1.2.0 predates BN254 (its TimeLock and TimeUnlock answer
// "unsupported drand scheme"); it came with tlock #87, in the commit the course pins (962ec50, tlock.go
// lines 155-159 and 199-207). For that scheme these ops call what the pinned TimeLock / TimeUnlock call:
// kyber's ibe.EncryptCCAonG2 / DecryptCCAonG2 on bn254.NewSuiteBn254() with the two SetDomain calls, after
// drand's own scheme.VerifyBeacon for decryption; then v1.2.0's CiphertextToBytes / BytesToCiphertext, which
// are generic. The age layer for BN254 is this file's pinnedRecipient / pinnedIdentity: filippo.io/age's
// Encrypt / Decrypt around a Wrap / Unwrap that write and read the same "tlock <round> <chainhash>" stanza
// as tlock's (v1.2.0's tleRecipient cannot be used: it calls v1.2.0's TimeLock).

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	chain "github.com/drand/drand/v2/common"
	"github.com/drand/drand/v2/crypto"
	"github.com/drand/kyber"
	"github.com/drand/kyber/encrypt/ibe"
	bn "github.com/drand/kyber/pairing/bn254"
	"github.com/drand/tlock"
)

// fixedNetwork is tlock's Network over given values: one chain, one key, the signatures it was given.
type fixedNetwork struct {
	chainHash string
	publicKey kyber.Point
	scheme    *crypto.Scheme
	sigs      map[uint64][]byte
}

func (n *fixedNetwork) ChainHash() string        { return n.chainHash }
func (n *fixedNetwork) Current(time.Time) uint64 { return 0 }
func (n *fixedNetwork) PublicKey() kyber.Point   { return n.publicKey }
func (n *fixedNetwork) Scheme() crypto.Scheme    { return *n.scheme }
func (n *fixedNetwork) Signature(round uint64) ([]byte, error) {
	if sig, ok := n.sigs[round]; ok {
		return sig, nil
	}
	return nil, fmt.Errorf("no beacon for round %d", round)
}
func (n *fixedNetwork) SwitchChainHash(string) error {
	return errors.New("fixed network: one chain only")
}

type tlockRequest struct {
	Scheme     string `json:"scheme"`
	PublicKey  string `json:"public_key"`
	ChainHash  string `json:"chain_hash"`
	Round      uint64 `json:"round"`
	Signature  string `json:"signature"`
	Plaintext  string `json:"plaintext"`
	Ciphertext string `json:"ciphertext"`
	Armor      bool   `json:"armor"`
	Strict     bool   `json:"strict"`
	Randomness string `json:"randomness"`
}

const bn254Scheme = "bls-bn254-unchained-on-g1"

func parseTlock(raw json.RawMessage) (*tlockRequest, *fixedNetwork, error) {
	var req tlockRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, nil, err
	}
	sch, err := crypto.SchemeFromName(req.Scheme)
	if err != nil {
		return nil, nil, err
	}
	pkBytes, err := hex.DecodeString(req.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	pk := sch.KeyGroup.Point()
	if err := pk.UnmarshalBinary(pkBytes); err != nil {
		return nil, nil, fmt.Errorf("public key: %w", err)
	}
	net := &fixedNetwork{chainHash: req.ChainHash, publicKey: pk, scheme: sch, sigs: map[uint64][]byte{}}
	if req.Signature != "" {
		sig, err := hex.DecodeString(req.Signature)
		if err != nil {
			return nil, nil, err
		}
		net.sigs[req.Round] = sig
	}
	return &req, net, nil
}

// withRandomness runs f with crypto/rand.Reader reading the given bytes (if any), then restores it.
func withRandomness(randomness string, f func() error) error {
	if randomness == "" {
		return f()
	}
	tape, err := hex.DecodeString(randomness)
	if err != nil {
		return err
	}
	saved := rand.Reader
	rand.Reader = bytes.NewReader(tape)
	defer func() { rand.Reader = saved }()
	return f()
}

// bn254Suite is the suite the pinned tlock builds for evmnet (tlock.go at 962ec50, lines 155-158).
func bn254Suite() *bn.SuiteBn254 {
	suite := bn.NewSuiteBn254()
	suite.SetDomainG1([]byte("BLS_SIG_BN254G1_XMD:KECCAK-256_SVDW_RO_NUL_"))
	suite.SetDomainG2([]byte("BLS_SIG_BN254G2_XMD:KECCAK-256_SVDW_RO_NUL_"))
	return suite
}

// timeLock is tlock.TimeLock, or for evmnet what the pinned TimeLock does (its checks, then kyber's IBE).
func timeLock(sch *crypto.Scheme, pk kyber.Point, round uint64, data []byte) (*ibe.Ciphertext, error) {
	if sch.Name != bn254Scheme {
		return tlock.TimeLock(*sch, pk, round, data)
	}
	if pk.Equal(pk.Clone().Null()) {
		return nil, tlock.ErrInvalidPublicKey
	}
	id := sch.DigestBeacon(&chain.Beacon{Round: round})
	return ibe.EncryptCCAonG2(bn254Suite(), pk, id, data)
}

// timeUnlock is tlock.TimeUnlock, or for evmnet what the pinned TimeUnlock does (VerifyBeacon, then IBE).
func timeUnlock(sch *crypto.Scheme, pk kyber.Point, beacon chain.Beacon, ct *ibe.Ciphertext) ([]byte, error) {
	if sch.Name != bn254Scheme {
		return tlock.TimeUnlock(*sch, pk, beacon, ct)
	}
	if err := sch.VerifyBeacon(&beacon, pk); err != nil {
		return nil, fmt.Errorf("verify beacon: %w", err)
	}
	suite := bn254Suite()
	signature := suite.G1().Point()
	if err := signature.UnmarshalBinary(beacon.Signature); err != nil {
		return nil, fmt.Errorf("unmarshal kyber G1: %w", err)
	}
	return ibe.DecryptCCAonG2(suite, signature, ct)
}

// pinnedRecipient / pinnedIdentity: the age stanza tlock writes and reads, for the BN254 scheme only.
type pinnedRecipient struct {
	net   *fixedNetwork
	round uint64
}

func (r *pinnedRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	ct, err := timeLock(r.net.scheme, r.net.publicKey, r.round, fileKey)
	if err != nil {
		return nil, fmt.Errorf("encrypt dek: %w", err)
	}
	body, err := tlock.CiphertextToBytes(*r.net.scheme, ct)
	if err != nil {
		return nil, err
	}
	args := []string{strconv.FormatUint(r.round, 10), r.net.chainHash}
	return []*age.Stanza{{Type: "tlock", Args: args, Body: body}}, nil
}

type pinnedIdentity struct{ net *fixedNetwork }

func (i *pinnedIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	for _, s := range stanzas {
		if s.Type != "tlock" || len(s.Args) != 2 {
			continue
		}
		round, err := strconv.ParseUint(s.Args[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("parse block round: %w", err)
		}
		if s.Args[1] != i.net.chainHash {
			return nil, tlock.ErrWrongChainhash
		}
		ct, err := tlock.BytesToCiphertext(*i.net.scheme, s.Body)
		if err != nil {
			return nil, fmt.Errorf("parse cipher dek: %w", err)
		}
		sig, err := i.net.Signature(round)
		if err != nil {
			return nil, tlock.ErrTooEarly
		}
		return timeUnlock(i.net.scheme, i.net.publicKey, chain.Beacon{Round: round, Signature: sig}, ct)
	}
	return nil, age.ErrIncorrectIdentity
}

func tlockEncrypt(raw json.RawMessage) (any, error) {
	req, net, err := parseTlock(raw)
	if err != nil {
		return nil, err
	}
	plain, err := hex.DecodeString(req.Plaintext)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = withRandomness(req.Randomness, func() error {
		var dst io.Writer = &out
		var a io.WriteCloser
		if req.Armor {
			a = armor.NewWriter(&out)
			dst = a
		}
		if req.Scheme == bn254Scheme {
			w, err := age.Encrypt(dst, &pinnedRecipient{net: net, round: req.Round})
			if err != nil {
				return err
			}
			if _, err := w.Write(plain); err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		} else if err := tlock.New(net).Encrypt(dst, bytes.NewReader(plain), req.Round); err != nil {
			return err
		}
		if a != nil {
			return a.Close()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hex.EncodeToString(out.Bytes()), nil
}

func tlockDecrypt(raw json.RawMessage) (any, error) {
	req, net, err := parseTlock(raw)
	if err != nil {
		return nil, err
	}
	ct, err := hex.DecodeString(req.Ciphertext)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if req.Scheme == bn254Scheme {
		var src io.Reader = bytes.NewReader(ct)
		if bytes.HasPrefix(ct, []byte(armor.Header)) {
			src = armor.NewReader(src)
		}
		r, err := age.Decrypt(src, &pinnedIdentity{net: net})
		if err != nil {
			return nil, fmt.Errorf("hybrid decrypt: %w", err)
		}
		if _, err := io.Copy(&out, r); err != nil {
			return nil, err
		}
	} else {
		t := tlock.New(net)
		if req.Strict {
			t = t.Strict()
		}
		if err := t.Decrypt(&out, bytes.NewReader(ct)); err != nil {
			return nil, err
		}
	}
	return hex.EncodeToString(out.Bytes()), nil
}

func tlockTimeLock(raw json.RawMessage) (any, error) {
	req, net, err := parseTlock(raw)
	if err != nil {
		return nil, err
	}
	data, err := hex.DecodeString(req.Plaintext)
	if err != nil {
		return nil, err
	}
	var body []byte
	err = withRandomness(req.Randomness, func() error {
		ct, err := timeLock(net.scheme, net.publicKey, req.Round, data)
		if err != nil {
			return err
		}
		body, err = tlock.CiphertextToBytes(*net.scheme, ct)
		return err
	})
	if err != nil {
		return nil, err
	}
	return hex.EncodeToString(body), nil
}

func tlockTimeUnlock(raw json.RawMessage) (any, error) {
	req, net, err := parseTlock(raw)
	if err != nil {
		return nil, err
	}
	body, err := hex.DecodeString(req.Ciphertext)
	if err != nil {
		return nil, err
	}
	ct, err := tlock.BytesToCiphertext(*net.scheme, body)
	if err != nil {
		return nil, err
	}
	sig, err := net.Signature(req.Round)
	if err != nil {
		return nil, err
	}
	data, err := timeUnlock(net.scheme, net.publicKey, chain.Beacon{Round: req.Round, Signature: sig}, ct)
	if err != nil {
		return nil, err
	}
	return hex.EncodeToString(data), nil
}

func init() {
	register("tlock_encrypt", tlockEncrypt)
	register("tlock_decrypt", tlockDecrypt)
	register("tlock_timelock", tlockTimeLock)
	register("tlock_timeunlock", tlockTimeUnlock)
}
