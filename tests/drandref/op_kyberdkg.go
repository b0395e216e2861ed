package main

// Ops of the "kyber DKG" family: kyber's own share/dkg (kyber v1.3.2, the version drand v2.1.4 builds)
// run among n nodes from given long-term keys and given random streams, so that drand-edu's DKG, fed the
// same streams, can be compared with it message for message.
//
// Where the randomness comes from. kyber's DKG draws four kinds of random scalars:
//
//   - the dealer's secret f(0): from random.New(Config.Reader) when UserReaderOnly is set;
//   - the other coefficients of its polynomial: NewPriPoly(..., c.Suite.RandomStream());
//   - each deal's ECIES ephemeral key: ecies.Encrypt picks it from random.New(), that is from the
//     package variable crypto/rand.Reader, with no way to pass a stream;
//   - each packet's Schnorr nonce: schnorr.Sign picks it from the Auth scheme's suite RandomStream().
//
// Each node here gets ONE reader, kyber's own SHAKE256 XOF (xof/keccak) seeded with the node's seed, and
// every one of the four draws reads from it: Config.Reader with UserReaderOnly (kyber's test mode), a
// Suite that is drand's key group with RandomStream() = random.New(reader), the same suite for
// schnorr.NewScheme (drand's DKG Auth is schnorr.NewScheme(suite) too, internal/dkg/execution.go), and
// crypto/rand.Reader swapped for that reader while the node runs Deals() (this program answers one request
// at a time, so nothing else reads crypto/rand meanwhile). random.New(r) reads 32 bytes from r for every
// XORKeyStream call, hashes them with SHA-256 and expands them with BLAKE2Xb; Scalar.Pick is
// random.Int(order, stream): one call per attempt, the top bits masked, 0 and >= order rejected. So every
// byte of kyber's transcript is a function of the keys and the seeds: nothing here is re-implemented.
//
// Faults are applied on the wire, as a cheating or failing node would (dealers by their old index, holders
// by their new one; the same numbers in a fresh DKG): "corrupt_share" flips the last byte of one encrypted
// share (it no longer decrypts); "wrong_share" encrypts that share plus one instead (it decrypts but misses
// the commitments; a fresh ECIES ephemeral key from the dealer's stream); the dealer then signs the altered
// bundle, drawing one more nonce from its stream. "drop_deal", "drop_response" and "drop_justification"
// keep a node's bundle from everyone. Phases are driven as kyber's own Protocol drives them
// (share/dkg/protocol.go: sendResponses, sendJustifications, finish). "external" nodes are played by the
// caller: their bundles are given per phase instead of computed, and kyber's VerifyPacketSignature says
// whether each one's signature holds. "old" makes the run a resharing (see the request type).

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/drand/drand/v2/crypto"
	"github.com/drand/kyber"
	"github.com/drand/kyber/encrypt/ecies"
	"github.com/drand/kyber/share"
	"github.com/drand/kyber/share/dkg"
	"github.com/drand/kyber/sign/schnorr"
	"github.com/drand/kyber/util/random"
	"github.com/drand/kyber/xof/keccak"
)

// streamSuite is drand's key group whose RandomStream reads the node's own reader.
type streamSuite struct {
	dkg.Suite
	reader io.Reader
}

func (s *streamSuite) RandomStream() cipher.Stream { return random.New(s.reader) }

type jsDeal struct {
	ShareIndex     uint32 `json:"share_index"`
	EncryptedShare string `json:"encrypted_share"`
}

type jsDealBundle struct {
	DealerIndex uint32   `json:"dealer_index"`
	Deals       []jsDeal `json:"deals"`
	Public      []string `json:"public"`
	SessionID   string   `json:"session_id"`
	Signature   string   `json:"signature"`
}

type jsResponse struct {
	DealerIndex uint32 `json:"dealer_index"`
	Status      bool   `json:"status"`
}

type jsResponseBundle struct {
	ShareIndex uint32       `json:"share_index"`
	Responses  []jsResponse `json:"responses"`
	SessionID  string       `json:"session_id"`
	Signature  string       `json:"signature"`
}

type jsJustification struct {
	ShareIndex uint32 `json:"share_index"`
	Share      string `json:"share"`
}

type jsJustificationBundle struct {
	DealerIndex    uint32            `json:"dealer_index"`
	Justifications []jsJustification `json:"justifications"`
	SessionID      string            `json:"session_id"`
	Signature      string            `json:"signature"`
}

type jsExternal struct {
	Deal          *jsDealBundle          `json:"deal"`
	Response      *jsResponseBundle      `json:"response"`
	Justification *jsJustificationBundle `json:"justification"`
}

type jsResult struct {
	Phase      string   `json:"phase"` // "response" or "justification": when the node finished
	Error      string   `json:"error,omitempty"`
	Qual       []uint32 `json:"qual,omitempty"`
	ShareIndex int      `json:"share_index"`
	Share      string   `json:"share,omitempty"`
	Commits    []string `json:"commits,omitempty"`
}

type dealerHolder struct {
	Dealer uint32 `json:"dealer"`
	Holder uint32 `json:"holder"`
}

func hasPair(list []dealerHolder, dealer, holder uint32) bool {
	for _, p := range list {
		if p.Dealer == dealer && p.Holder == holder {
			return true
		}
	}
	return false
}

type kyberDKGRequest struct {
	Scheme    string   `json:"scheme"`
	Secrets   []string `json:"secrets"`
	Seeds     []string `json:"seeds"`
	Nonce     string   `json:"nonce"`
	Threshold int      `json:"threshold"`
	FastSync  bool     `json:"fast_sync"`
	Faults    struct {
		CorruptShare      []dealerHolder `json:"corrupt_share"`
		WrongShare        []dealerHolder `json:"wrong_share"`
		DropDeal          []uint32       `json:"drop_deal"`
		DropResponse      []uint32       `json:"drop_response"`
		DropJustification []uint32       `json:"drop_justification"`
	} `json:"faults"`
	External map[string]jsExternal `json:"external"`
	// Old, when given, makes the run a resharing: the old group's long-term secrets (old node i has index
	// i), threshold, public polynomial and shares (share i belongs to old node i). A new node whose key is an
	// old node's deals its old share. An old node absent from the new list does not run unless Leavers
	// names it (by old index, with its seed): then it runs as drand runs a leaver that got the execute
	// packet (actions_passive.go: executeDKG whatever the new state, with reshareDKGConfig) — kyber's
	// node only in the old group, which deals and gets no share. Leavers deal after the new list's
	// dealers, and their results are keyed "leaver<old index>".
	Old *struct {
		Secrets   []string `json:"secrets"`
		Threshold int      `json:"threshold"`
		Commits   []string `json:"commits"`
		Shares    []string `json:"shares"`
		Leavers   []struct {
			Old  int    `json:"old"`
			Seed string `json:"seed"`
		} `json:"leavers"`
	} `json:"old"`
}

func unhex(s string) ([]byte, error) { return hex.DecodeString(s) }

func scalarHex(g kyber.Group, h string) (kyber.Scalar, error) {
	raw, err := unhex(h)
	if err != nil {
		return nil, err
	}
	v := g.Scalar()
	return v, v.UnmarshalBinary(raw)
}

func marshalHex(m interface{ MarshalBinary() ([]byte, error) }) string {
	b, err := m.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func has(list []uint32, i uint32) bool {
	for _, x := range list {
		if x == i {
			return true
		}
	}
	return false
}

func dealToJSON(b *dkg.DealBundle) *jsDealBundle {
	out := &jsDealBundle{DealerIndex: b.DealerIndex, SessionID: hex.EncodeToString(b.SessionID),
		Signature: hex.EncodeToString(b.Signature), Deals: []jsDeal{}}
	for _, d := range b.Deals {
		out.Deals = append(out.Deals, jsDeal{d.ShareIndex, hex.EncodeToString(d.EncryptedShare)})
	}
	for _, p := range b.Public {
		out.Public = append(out.Public, marshalHex(p))
	}
	return out
}

func dealFromJSON(g kyber.Group, j *jsDealBundle) (*dkg.DealBundle, error) {
	var err error
	b := &dkg.DealBundle{DealerIndex: j.DealerIndex}
	if b.SessionID, err = unhex(j.SessionID); err != nil {
		return nil, err
	}
	if b.Signature, err = unhex(j.Signature); err != nil {
		return nil, err
	}
	for _, d := range j.Deals {
		c, err := unhex(d.EncryptedShare)
		if err != nil {
			return nil, err
		}
		b.Deals = append(b.Deals, dkg.Deal{ShareIndex: d.ShareIndex, EncryptedShare: c})
	}
	for _, h := range j.Public {
		raw, err := unhex(h)
		if err != nil {
			return nil, err
		}
		p := g.Point()
		if err := p.UnmarshalBinary(raw); err != nil {
			return nil, fmt.Errorf("commitment of dealer %d: %w", j.DealerIndex, err)
		}
		b.Public = append(b.Public, p)
	}
	return b, nil
}

func responseToJSON(b *dkg.ResponseBundle) *jsResponseBundle {
	out := &jsResponseBundle{ShareIndex: b.ShareIndex, SessionID: hex.EncodeToString(b.SessionID),
		Signature: hex.EncodeToString(b.Signature), Responses: []jsResponse{}}
	for _, r := range b.Responses {
		out.Responses = append(out.Responses, jsResponse{r.DealerIndex, r.Status})
	}
	return out
}

func responseFromJSON(j *jsResponseBundle) (*dkg.ResponseBundle, error) {
	var err error
	b := &dkg.ResponseBundle{ShareIndex: j.ShareIndex}
	if b.SessionID, err = unhex(j.SessionID); err != nil {
		return nil, err
	}
	if b.Signature, err = unhex(j.Signature); err != nil {
		return nil, err
	}
	for _, r := range j.Responses {
		b.Responses = append(b.Responses, dkg.Response{DealerIndex: r.DealerIndex, Status: r.Status})
	}
	return b, nil
}

// justificationToJSON sorts by share index: kyber builds the list by ranging over a Go map
// (StatusesOfDealer), so its order changes from run to run; the bundle's Hash sorts, the signature does not
// depend on it.
func justificationToJSON(b *dkg.JustificationBundle) *jsJustificationBundle {
	out := &jsJustificationBundle{DealerIndex: b.DealerIndex, SessionID: hex.EncodeToString(b.SessionID),
		Signature: hex.EncodeToString(b.Signature), Justifications: []jsJustification{}}
	for _, j := range b.Justifications {
		out.Justifications = append(out.Justifications, jsJustification{j.ShareIndex, marshalHex(j.Share)})
	}
	sort.Slice(out.Justifications, func(a, c int) bool {
		return out.Justifications[a].ShareIndex < out.Justifications[c].ShareIndex
	})
	return out
}

func justificationFromJSON(g kyber.Group, j *jsJustificationBundle) (*dkg.JustificationBundle, error) {
	var err error
	b := &dkg.JustificationBundle{DealerIndex: j.DealerIndex}
	if b.SessionID, err = unhex(j.SessionID); err != nil {
		return nil, err
	}
	if b.Signature, err = unhex(j.Signature); err != nil {
		return nil, err
	}
	for _, x := range j.Justifications {
		raw, err := unhex(x.Share)
		if err != nil {
			return nil, err
		}
		s := g.Scalar()
		if err := s.UnmarshalBinary(raw); err != nil {
			return nil, err
		}
		b.Justifications = append(b.Justifications, dkg.Justification{ShareIndex: x.ShareIndex, Share: s})
	}
	return b, nil
}

func resultToJSON(phase string, r *dkg.Result, err error) jsResult {
	if err != nil {
		return jsResult{Phase: phase, Error: err.Error(), ShareIndex: -1}
	}
	out := jsResult{Phase: phase, ShareIndex: r.Key.Share.I, Share: marshalHex(r.Key.Share.V)}
	for _, n := range r.QUAL {
		out.Qual = append(out.Qual, n.Index)
	}
	for _, c := range r.Key.Commits {
		out.Commits = append(out.Commits, marshalHex(c))
	}
	return out
}

// offByOne decrypts a deal with its holder's key and encrypts share + 1 again with kyber's ECIES, the
// ephemeral key drawn from the dealer's reader (ecies.Encrypt reads crypto/rand.Reader).
func offByOne(g dkg.Suite, holderKey kyber.Scalar, cipher []byte, holder kyber.Point, r io.Reader) ([]byte, error) {
	plain, err := ecies.Decrypt(g, holderKey, cipher, sha256.New)
	if err != nil {
		return nil, err
	}
	share := g.Scalar()
	if err := share.UnmarshalBinary(plain); err != nil {
		return nil, err
	}
	wrong, _ := g.Scalar().Add(share, g.Scalar().One()).MarshalBinary()
	saved := rand.Reader
	rand.Reader = r
	defer func() { rand.Reader = saved }()
	return ecies.Encrypt(g, holder, wrong, sha256.New)
}

func kyberDKG(raw json.RawMessage) (any, error) {
	var req kyberDKGRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	sch, err := crypto.SchemeFromName(req.Scheme)
	if err != nil {
		return nil, err
	}
	group := sch.KeyGroup.(dkg.Suite)
	n := len(req.Secrets)
	if len(req.Seeds) != n {
		return nil, fmt.Errorf("%d secrets but %d seeds", n, len(req.Seeds))
	}
	nonce, err := unhex(req.Nonce)
	if err != nil {
		return nil, err
	}
	external := map[uint32]jsExternal{}
	for k, v := range req.External {
		i, err := strconv.ParseUint(k, 10, 32)
		if err != nil {
			return nil, err
		}
		external[uint32(i)] = v
	}

	nodes := make([]dkg.Node, n)
	privs := make([]kyber.Scalar, n)
	for i, h := range req.Secrets {
		raw, err := unhex(h)
		if err != nil {
			return nil, err
		}
		privs[i] = group.Scalar()
		if err := privs[i].UnmarshalBinary(raw); err != nil {
			return nil, err
		}
		nodes[i] = dkg.Node{Index: uint32(i), Public: group.Point().Mul(privs[i], nil)}
	}

	var oldNodes []dkg.Node
	var oldPrivs []kyber.Scalar
	var oldCommits []kyber.Point
	var oldShares []kyber.Scalar
	oldIdx := make([]int, n)
	for i := range oldIdx {
		oldIdx[i] = -1
	}
	// key names a node's result: its new index, or "leaver<old index>" for a leaver (slots n, n+1, ...)
	key := func(i int) string {
		if i < n {
			return strconv.Itoa(i)
		}
		return "leaver" + strconv.Itoa(oldIdx[i])
	}
	if req.Old != nil {
		if len(external) > 0 {
			return nil, fmt.Errorf("external nodes are for a fresh DKG only")
		}
		for i, h := range req.Old.Secrets {
			priv, err := scalarHex(group, h)
			if err != nil {
				return nil, err
			}
			pub := group.Point().Mul(priv, nil)
			oldPrivs = append(oldPrivs, priv)
			oldNodes = append(oldNodes, dkg.Node{Index: uint32(i), Public: pub})
			for j := range nodes {
				if nodes[j].Public.Equal(pub) {
					oldIdx[j] = i
				}
			}
		}
		for _, h := range req.Old.Commits {
			raw, err := unhex(h)
			if err != nil {
				return nil, err
			}
			p := group.Point()
			if err := p.UnmarshalBinary(raw); err != nil {
				return nil, err
			}
			oldCommits = append(oldCommits, p)
		}
		for _, h := range req.Old.Shares {
			v, err := scalarHex(group, h)
			if err != nil {
				return nil, err
			}
			oldShares = append(oldShares, v)
		}
		for _, l := range req.Old.Leavers {
			if l.Old < 0 || l.Old >= len(oldPrivs) || l.Old >= len(oldShares) {
				return nil, fmt.Errorf("leaver %d is not an old node", l.Old)
			}
			for j := 0; j < n; j++ {
				if oldIdx[j] == l.Old {
					return nil, fmt.Errorf("leaver %d is in the new group", l.Old)
				}
			}
			oldIdx = append(oldIdx, l.Old)
			privs = append(privs, oldPrivs[l.Old])
			req.Seeds = append(req.Seeds, l.Seed)
		}
	}
	m := len(oldIdx) // the new group's n nodes, then the leavers

	configs := make([]*dkg.Config, m)
	gens := make([]*dkg.DistKeyGenerator, m)
	readers := make([]io.Reader, m)
	var anyConfig *dkg.Config
	for i := 0; i < m; i++ {
		if _, ext := external[uint32(i)]; ext {
			continue
		}
		seed, err := unhex(req.Seeds[i])
		if err != nil {
			return nil, err
		}
		readers[i] = keccak.New(seed)
		suite := &streamSuite{Suite: group, reader: readers[i]}
		configs[i] = &dkg.Config{
			Suite:          suite,
			Longterm:       privs[i],
			NewNodes:       append([]dkg.Node(nil), nodes...),
			Threshold:      req.Threshold,
			Reader:         readers[i],
			UserReaderOnly: true,
			FastSync:       req.FastSync,
			Nonce:          nonce,
			Auth:           schnorr.NewScheme(suite),
		}
		if req.Old != nil {
			configs[i].OldNodes = append([]dkg.Node(nil), oldNodes...)
			configs[i].OldThreshold = req.Old.Threshold
			configs[i].PublicCoeffs = oldCommits
			if k := oldIdx[i]; k >= 0 {
				configs[i].Share = &dkg.DistKeyShare{Commits: oldCommits, Share: &share.PriShare{I: k, V: oldShares[k]}}
			}
		}
		if gens[i], err = dkg.NewDistKeyHandler(configs[i]); err != nil {
			return nil, fmt.Errorf("node %d: %w", i, err)
		}
		anyConfig = configs[i]
	}
	if anyConfig == nil {
		return nil, fmt.Errorf("every node is external")
	}
	verify := func(p dkg.Packet) bool { return dkg.VerifyPacketSignature(anyConfig, p) == nil }
	sigs := map[string]map[string]bool{}
	noteSig := func(i uint32, phase string, p dkg.Packet) {
		key := strconv.Itoa(int(i))
		if sigs[key] == nil {
			sigs[key] = map[string]bool{}
		}
		sigs[key][phase] = verify(p)
	}

	// phase 1: deals
	out := map[string]any{}
	var dealsOut []*jsDealBundle
	var delivered []*dkg.DealBundle
	for i := 0; i < m; i++ {
		var b *dkg.DealBundle
		if ext, ok := external[uint32(i)]; ok {
			if ext.Deal == nil {
				continue
			}
			if b, err = dealFromJSON(group, ext.Deal); err != nil {
				return nil, err
			}
			noteSig(uint32(i), "deal", b)
		} else {
			if req.Old != nil && oldIdx[i] < 0 {
				continue // a newcomer has nothing to deal
			}
			saved := rand.Reader
			rand.Reader = readers[i] // ecies.Encrypt's ephemeral keys: random.New() reads crypto/rand.Reader
			b, err = gens[i].Deals()
			rand.Reader = saved
			if err != nil {
				return nil, fmt.Errorf("deals of node %d: %w", i, err)
			}
			corrupted := false
			for k := range b.Deals {
				holder := b.Deals[k].ShareIndex
				switch {
				case hasPair(req.Faults.WrongShare, b.DealerIndex, holder):
					// a share that decrypts but is off by one: ProcessDeals's commitment check fails
					if b.Deals[k].EncryptedShare, err = offByOne(group, privs[holder], b.Deals[k].EncryptedShare,
						nodes[holder].Public, readers[i]); err != nil {
						return nil, err
					}
					corrupted = true
				case hasPair(req.Faults.CorruptShare, b.DealerIndex, holder):
					c := append([]byte(nil), b.Deals[k].EncryptedShare...)
					c[len(c)-1] ^= 1
					b.Deals[k].EncryptedShare = c
					corrupted = true
				}
			}
			if corrupted {
				if b.Signature, err = configs[i].Auth.Sign(privs[i], b.Hash()); err != nil {
					return nil, err
				}
			}
		}
		dealsOut = append(dealsOut, dealToJSON(b))
		if !has(req.Faults.DropDeal, b.DealerIndex) {
			delivered = append(delivered, b)
		}
	}
	out["deals"] = dealsOut

	// phase 2: responses
	responsesOut := []*jsResponseBundle{}
	var deliveredResp []*dkg.ResponseBundle
	for i := 0; i < m; i++ {
		var b *dkg.ResponseBundle
		if ext, ok := external[uint32(i)]; ok {
			if ext.Response == nil {
				continue
			}
			if b, err = responseFromJSON(ext.Response); err != nil {
				return nil, err
			}
			noteSig(uint32(i), "response", b)
		} else if b, err = gens[i].ProcessDeals(delivered); err != nil {
			return nil, fmt.Errorf("process deals at node %d: %w", i, err)
		}
		if b == nil {
			continue
		}
		responsesOut = append(responsesOut, responseToJSON(b))
		if !has(req.Faults.DropResponse, b.ShareIndex) {
			deliveredResp = append(deliveredResp, b)
		}
	}
	out["responses"] = responsesOut

	// phase 3: responses processed, justifications
	results := map[string]jsResult{}
	justifsOut := []*jsJustificationBundle{}
	var deliveredJust []*dkg.JustificationBundle
	pending := []int{}
	for i := 0; i < m; i++ {
		var jb *dkg.JustificationBundle
		if ext, ok := external[uint32(i)]; ok {
			if ext.Justification == nil {
				continue
			}
			if jb, err = justificationFromJSON(group, ext.Justification); err != nil {
				return nil, err
			}
			noteSig(uint32(i), "justification", jb)
		} else {
			var res *dkg.Result
			res, jb, err = gens[i].ProcessResponses(deliveredResp)
			// as kyber's Protocol.sendJustifications: an error or a result ends the node's run, and a
			// justification bundle returned beside an error (an evicted dealer's) is not pushed
			if err != nil || res != nil {
				results[key(i)] = resultToJSON("response", res, err)
				continue
			}
			pending = append(pending, i)
		}
		if jb == nil {
			continue
		}
		justifsOut = append(justifsOut, justificationToJSON(jb))
		if !has(req.Faults.DropJustification, jb.DealerIndex) {
			deliveredJust = append(deliveredJust, jb)
		}
	}
	out["justifications"] = justifsOut
	for _, i := range pending {
		res, err := gens[i].ProcessJustifications(deliveredJust)
		results[key(i)] = resultToJSON("justification", res, err)
	}
	out["results"] = results
	out["external_signatures"] = sigs
	publics := []string{}
	for _, node := range nodes {
		publics = append(publics, marshalHex(node.Public))
	}
	out["publics"] = publics
	return out, nil
}

// kyberPicks: the first scalars kyber's Scalar.Pick draws from random.New(keccak.New(seed)) on a scheme's
// key group, so the stream alone can be compared before any DKG.
func kyberPicks(raw json.RawMessage) (any, error) {
	var req struct {
		Scheme string `json:"scheme"`
		Seed   string `json:"seed"`
		Count  int    `json:"count"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	sch, err := crypto.SchemeFromName(req.Scheme)
	if err != nil {
		return nil, err
	}
	seed, err := unhex(req.Seed)
	if err != nil {
		return nil, err
	}
	stream := random.New(keccak.New(seed))
	picks := []string{}
	for k := 0; k < req.Count; k++ {
		picks = append(picks, marshalHex(sch.KeyGroup.Scalar().Pick(stream)))
	}
	return picks, nil
}

func init() {
	register("kyber_dkg", kyberDKG)
	register("kyber_picks", kyberPicks)
}
