package main

import (
	"encoding/json"
	"time"

	"github.com/drand/drand/v2/common"
)

// Rounds and time, drand's common/time.go. Periods travel in seconds and become a time.Duration as
// drand's chain info makes them (time.Duration(period) * time.Second):
//
//	"time.of_round"      {period, genesis, round}  TimeOfRound(period, genesis, round)
//	"time.current_round" {period, genesis, now}    CurrentRound(now, period, genesis)
//	"time.next_round"    {period, genesis, now}    NextRound(now, period, genesis) as [round, time]
//	"time.error_value"   {}                        TimeOfRoundErrorValue

type timeRequest struct {
	Period  int64  `json:"period"`
	Genesis int64  `json:"genesis"`
	Round   uint64 `json:"round"`
	Now     int64  `json:"now"`
}

func timeParse(raw json.RawMessage) (timeRequest, time.Duration, error) {
	var req timeRequest
	err := json.Unmarshal(raw, &req)
	return req, time.Duration(req.Period) * time.Second, err
}

func init() {
	register("time.of_round", func(raw json.RawMessage) (any, error) {
		req, period, err := timeParse(raw)
		if err != nil {
			return nil, err
		}
		return common.TimeOfRound(period, req.Genesis, req.Round), nil
	})
	register("time.current_round", func(raw json.RawMessage) (any, error) {
		req, period, err := timeParse(raw)
		if err != nil {
			return nil, err
		}
		return common.CurrentRound(req.Now, period, req.Genesis), nil
	})
	register("time.next_round", func(raw json.RawMessage) (any, error) {
		req, period, err := timeParse(raw)
		if err != nil {
			return nil, err
		}
		round, at := common.NextRound(req.Now, period, req.Genesis)
		return []any{round, at}, nil
	})
	register("time.error_value", func(json.RawMessage) (any, error) {
		return int64(common.TimeOfRoundErrorValue), nil
	})
}
