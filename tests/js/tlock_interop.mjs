// tlock-js interop for the drand-edu tests, with an offline chain client (no network at all).
//
//   node tlock_interop.mjs encrypt INFO_JSON ROUND PLAINTEXT_HEX        -> CIPHERTEXT_BEGIN line, then the armor
//   node tlock_interop.mjs decrypt INFO_JSON BEACON_JSON CIPHERTEXT_FILE -> a line PLAINTEXT_HEX=...
//
// INFO_JSON is drand's /info (v1) JSON; BEACON_JSON is {"round", "signature", "randomness"}.
// tlock-js accepts any object shaped like its ChainClient (see drand/tlock-js test/drand/mock-drand-client.ts).
import { readFileSync } from "node:fs";
import { timelockEncrypt, timelockDecrypt, Buffer } from "tlock-js";

globalThis.fetch = async () => { throw new Error("no network in tests"); };

function offlineClient(info, beacon) {
  return {
    options: { disableBeaconVerification: false, noCache: false },
    chain: () => ({ baseUrl: "offline://", info: async () => info }),
    get: async (round) => {
      if (!beacon || beacon.round !== round) throw new Error(`no beacon for round ${round}`);
      return beacon;
    },
    latest: async () => { throw new Error("offline"); },
  };
}

const [mode, infoJson, ...rest] = process.argv.slice(2);
const info = JSON.parse(infoJson);
try {
  if (mode === "encrypt") {
    const [round, plaintextHex] = rest;
    const out = await timelockEncrypt(Number(round), Buffer.from(plaintextHex, "hex"), offlineClient(info, null));
    process.stdout.write(`\nCIPHERTEXT_BEGIN\n${out}`);
  } else if (mode === "decrypt") {
    const [beaconJson, file] = rest;
    const plaintext = await timelockDecrypt(readFileSync(file, "utf8"), offlineClient(info, JSON.parse(beaconJson)));
    // tlock-js logs to stdout itself, so mark our answer on a line of its own.
    process.stdout.write(`\nPLAINTEXT_HEX=${Buffer.from(plaintext).toString("hex")}\n`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (err) {
  process.stderr.write(`tlock-js: ${err.message}\n`);
  process.exit(1);
}
