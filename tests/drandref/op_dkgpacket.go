package main

// DKG gossip packets as drand's internal/dkg signs them, and the DKG bundles' signatures as kyber checks them.
//
// drand's messageForSigning (internal/dkg/actions_signing.go) is unexported and lives in an internal package,
// which Go refuses to import from another module. It is reached here with //go:linkname: the package is linked
// in through github.com/drand/drand/v2/demo/node, a public package of drand's module that imports it, and the
// directive below binds our bodyless declaration to drand's compiled function. Nothing is re-implemented.
// signMessage and verifyMessage are methods of drand's dkg.Process (they fetch the key pair from a running
// daemon's beacon identifier), so the ops compose what they do from exported parts: messageForSigning's bytes
// signed / verified with the scheme's AuthScheme, exactly the two calls those methods make.
//
//	"dkg_message_for_signing": {beacon_id, packet, proposal} → the bytes drand signs
//	"dkg_packet_sign":         {scheme, secret, beacon_id, packet, proposal} → AuthScheme.Sign of those bytes
//	"dkg_packet_verify":       {scheme, key, signature, beacon_id, packet, proposal} → AuthScheme.Verify
//	"dkg_bundle_verify":       {scheme, bundle, new_nodes, old_nodes} → {hash, error?}: kyber's
//	                           dkg.VerifyPacketSignature with the Config drand builds (Schnorr on the key group)
//
// packet: {kind: proposal|accept|reject|abort|execute|dkg|none, address, reason, time_seconds, time_nanos};
// proposal: ProposalTerms' fields (participants {address, key, signature} with hex bytes; times as seconds and
// nanoseconds).

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	_ "unsafe" // for go:linkname

	"google.golang.org/protobuf/types/known/timestamppb"

	_ "github.com/drand/drand/v2/demo/node" // links drand's internal/dkg into this program
	pdkg "github.com/drand/drand/v2/protobuf/dkg"
	"github.com/drand/kyber"
	"github.com/drand/kyber/share/dkg"
)

//go:linkname drandMessageForSigning github.com/drand/drand/v2/internal/dkg.messageForSigning
func drandMessageForSigning(beaconID string, packet *pdkg.GossipPacket, proposal *pdkg.ProposalTerms) []byte

type rcParticipant struct {
	Address   string `json:"address"`
	Key       string `json:"key"`
	Signature string `json:"signature"`
}

type rcPacket struct {
	Kind        string `json:"kind"`
	Address     string `json:"address"`
	Reason      string `json:"reason"`
	TimeSeconds int64  `json:"time_seconds"`
	TimeNanos   int32  `json:"time_nanos"`
}

type rcTerms struct {
	BeaconID       string           `json:"beacon_id"`
	Epoch          uint32           `json:"epoch"`
	Leader         *rcParticipant   `json:"leader"`
	Threshold      uint32           `json:"threshold"`
	TimeoutSeconds int64            `json:"timeout_seconds"`
	TimeoutNanos   int32            `json:"timeout_nanos"`
	CatchupPeriod  uint32           `json:"catchup_period"`
	BeaconPeriod   uint32           `json:"beacon_period"`
	SchemeID       string           `json:"scheme_id"`
	GenesisSeconds int64            `json:"genesis_seconds"`
	GenesisNanos   int32            `json:"genesis_nanos"`
	GenesisSeed    string           `json:"genesis_seed"`
	Joining        []*rcParticipant `json:"joining"`
	Remaining      []*rcParticipant `json:"remaining"`
	Leaving        []*rcParticipant `json:"leaving"`
}

type rcPacketRequest struct {
	Scheme    string   `json:"scheme"`
	Secret    string   `json:"secret"`
	Key       string   `json:"key"`
	Signature string   `json:"signature"`
	BeaconID  string   `json:"beacon_id"`
	Packet    rcPacket `json:"packet"`
	Proposal  rcTerms  `json:"proposal"`
}

func rcProtoParticipant(p *rcParticipant) (*pdkg.Participant, error) {
	if p == nil {
		return nil, nil
	}
	k, err := rcHex("participant key", p.Key)
	if err != nil {
		return nil, err
	}
	s, err := rcHex("participant signature", p.Signature)
	if err != nil {
		return nil, err
	}
	return &pdkg.Participant{Address: p.Address, Key: k, Signature: s}, nil
}

func rcProtoParticipants(ps []*rcParticipant) ([]*pdkg.Participant, error) {
	out := make([]*pdkg.Participant, 0, len(ps))
	for _, p := range ps {
		q, err := rcProtoParticipant(p)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

func rcProtoTerms(t *rcTerms) (*pdkg.ProposalTerms, error) {
	leader, err := rcProtoParticipant(t.Leader)
	if err != nil {
		return nil, err
	}
	seed, err := rcHex("genesis seed", t.GenesisSeed)
	if err != nil {
		return nil, err
	}
	terms := &pdkg.ProposalTerms{
		BeaconID:             t.BeaconID,
		Epoch:                t.Epoch,
		Leader:               leader,
		Threshold:            t.Threshold,
		Timeout:              &timestamppb.Timestamp{Seconds: t.TimeoutSeconds, Nanos: t.TimeoutNanos},
		CatchupPeriodSeconds: t.CatchupPeriod,
		BeaconPeriodSeconds:  t.BeaconPeriod,
		SchemeID:             t.SchemeID,
		GenesisTime:          &timestamppb.Timestamp{Seconds: t.GenesisSeconds, Nanos: t.GenesisNanos},
		GenesisSeed:          seed,
	}
	if terms.Joining, err = rcProtoParticipants(t.Joining); err != nil {
		return nil, err
	}
	if terms.Remaining, err = rcProtoParticipants(t.Remaining); err != nil {
		return nil, err
	}
	if terms.Leaving, err = rcProtoParticipants(t.Leaving); err != nil {
		return nil, err
	}
	return terms, nil
}

// rcMessage builds drand's protobuf packet and returns messageForSigning's bytes.
func rcMessage(req *rcPacketRequest) ([]byte, error) {
	terms, err := rcProtoTerms(&req.Proposal)
	if err != nil {
		return nil, err
	}
	who := &pdkg.Participant{Address: req.Packet.Address}
	packet := &pdkg.GossipPacket{}
	switch req.Packet.Kind {
	case "proposal":
		packet.Packet = &pdkg.GossipPacket_Proposal{Proposal: terms}
	case "accept":
		packet.Packet = &pdkg.GossipPacket_Accept{Accept: &pdkg.AcceptProposal{Acceptor: who}}
	case "reject":
		packet.Packet = &pdkg.GossipPacket_Reject{Reject: &pdkg.RejectProposal{Rejector: who, Reason: req.Packet.Reason}}
	case "abort":
		packet.Packet = &pdkg.GossipPacket_Abort{Abort: &pdkg.AbortDKG{Reason: req.Packet.Reason}}
	case "execute":
		at := &timestamppb.Timestamp{Seconds: req.Packet.TimeSeconds, Nanos: req.Packet.TimeNanos}
		packet.Packet = &pdkg.GossipPacket_Execute{Execute: &pdkg.StartExecution{Time: at}}
	case "dkg":
		packet.Packet = &pdkg.GossipPacket_Dkg{Dkg: &pdkg.DKGPacket{}}
	case "none":
		// no packet body: drand writes 16 random bytes so that no signature can verify
	default:
		return nil, errors.New("drandref: unknown packet kind " + req.Packet.Kind)
	}
	return drandMessageForSigning(req.BeaconID, packet, terms), nil
}

// rcBundle is a deal, response or justification bundle in kyber's share/dkg structures.
type rcBundle struct {
	Kind        string   `json:"kind"`
	DealerIndex uint32   `json:"dealer_index"`
	ShareIndex  uint32   `json:"share_index"`
	SessionID   string   `json:"session_id"`
	Signature   string   `json:"signature"`
	Public      []string `json:"public"`
	Deals       []struct {
		ShareIndex     uint32 `json:"share_index"`
		EncryptedShare string `json:"encrypted_share"`
	} `json:"deals"`
	Responses []struct {
		DealerIndex uint32 `json:"dealer_index"`
		Status      bool   `json:"status"`
	} `json:"responses"`
	Justifications []struct {
		ShareIndex uint32 `json:"share_index"`
		Share      string `json:"share"` // a decimal or 0x-less hex integer string: hex here
	} `json:"justifications"`
}

func rcNodes(group kyber.Group, list []struct {
	Index  uint32 `json:"index"`
	Public string `json:"public"`
}) ([]dkg.Node, error) {
	if list == nil {
		return nil, nil
	}
	out := make([]dkg.Node, 0, len(list))
	for _, n := range list {
		b, err := rcHex("node key", n.Public)
		if err != nil {
			return nil, err
		}
		p := group.Point()
		if err := p.UnmarshalBinary(b); err != nil {
			return nil, err
		}
		out = append(out, dkg.Node{Index: n.Index, Public: p})
	}
	return out, nil
}

func rcKyberBundle(group kyber.Group, b *rcBundle) (dkg.Packet, error) {
	sid, err := rcHex("session id", b.SessionID)
	if err != nil {
		return nil, err
	}
	sig, err := rcHex("signature", b.Signature)
	if err != nil {
		return nil, err
	}
	switch b.Kind {
	case "deal":
		bundle := &dkg.DealBundle{DealerIndex: b.DealerIndex, SessionID: sid, Signature: sig}
		for _, c := range b.Public {
			raw, err := rcHex("commitment", c)
			if err != nil {
				return nil, err
			}
			p := group.Point()
			if err := p.UnmarshalBinary(raw); err != nil {
				return nil, err
			}
			bundle.Public = append(bundle.Public, p)
		}
		for _, d := range b.Deals {
			enc, err := rcHex("encrypted share", d.EncryptedShare)
			if err != nil {
				return nil, err
			}
			bundle.Deals = append(bundle.Deals, dkg.Deal{ShareIndex: d.ShareIndex, EncryptedShare: enc})
		}
		return bundle, nil
	case "response":
		bundle := &dkg.ResponseBundle{ShareIndex: b.ShareIndex, SessionID: sid, Signature: sig}
		for _, r := range b.Responses {
			bundle.Responses = append(bundle.Responses, dkg.Response{DealerIndex: r.DealerIndex, Status: r.Status})
		}
		return bundle, nil
	case "justification":
		bundle := &dkg.JustificationBundle{DealerIndex: b.DealerIndex, SessionID: sid, Signature: sig}
		for _, j := range b.Justifications {
			v, ok := new(big.Int).SetString(j.Share, 16)
			if !ok {
				return nil, errors.New("drandref: justification share is not hex")
			}
			s := group.Scalar().SetBytes(v.Bytes())
			bundle.Justifications = append(bundle.Justifications, dkg.Justification{ShareIndex: j.ShareIndex, Share: s})
		}
		return bundle, nil
	}
	return nil, errors.New("drandref: unknown bundle kind " + b.Kind)
}

func init() {
	register("dkg_message_for_signing", func(raw json.RawMessage) (any, error) {
		var req rcPacketRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		msg, err := rcMessage(&req)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(msg), nil
	})
	register("dkg_packet_sign", func(raw json.RawMessage) (any, error) {
		var req rcPacketRequest
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
		msg, err := rcMessage(&req)
		if err != nil {
			return nil, err
		}
		sig, err := sch.AuthScheme.Sign(secret, msg)
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(sig), nil
	})
	register("dkg_packet_verify", func(raw json.RawMessage) (any, error) {
		var req rcPacketRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		sch, err := rcScheme(req.Scheme)
		if err != nil {
			return nil, err
		}
		// verifyMessage decodes the participant's key with KeyGroup.Point().UnmarshalBinary
		keyBytes, err := rcHex("key", req.Key)
		if err != nil {
			return nil, err
		}
		pub := sch.KeyGroup.Point()
		if err := pub.UnmarshalBinary(keyBytes); err != nil {
			return nil, err
		}
		sig, err := rcHex("signature", req.Signature)
		if err != nil {
			return nil, err
		}
		msg, err := rcMessage(&req)
		if err != nil {
			return nil, err
		}
		if err := sch.AuthScheme.Verify(pub, msg, sig); err != nil {
			return nil, err
		}
		return true, nil
	})
	register("dkg_bundle_verify", func(raw json.RawMessage) (any, error) {
		var req struct {
			Scheme   string   `json:"scheme"`
			Bundle   rcBundle `json:"bundle"`
			NewNodes []struct {
				Index  uint32 `json:"index"`
				Public string `json:"public"`
			} `json:"new_nodes"`
			OldNodes []struct {
				Index  uint32 `json:"index"`
				Public string `json:"public"`
			} `json:"old_nodes"`
		}
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		sch, err := rcScheme(req.Scheme)
		if err != nil {
			return nil, err
		}
		suite := sch.KeyGroup.(dkg.Suite)
		config := &dkg.Config{Suite: suite, Auth: rcDKGAuth(sch)}
		if config.NewNodes, err = rcNodes(suite, req.NewNodes); err != nil {
			return nil, err
		}
		if config.OldNodes, err = rcNodes(suite, req.OldNodes); err != nil {
			return nil, err
		}
		packet, err := rcKyberBundle(suite, &req.Bundle)
		if err != nil {
			return nil, err
		}
		out := map[string]any{"hash": hex.EncodeToString(packet.Hash()), "valid": true}
		if err := dkg.VerifyPacketSignature(config, packet); err != nil {
			out["valid"] = false
			out["error"] = err.Error()
		}
		return out, nil
	})
}
