// drand-client (npm) reads and verifies beacons from a drand-edu HTTP server.
//
//   node drand_client_check.mjs BASE_URL CHAIN_HASH PUBLIC_KEY ROUND
//
// Prints "RANDOMNESS=<hex>" when fetchBeacon accepted the beacon, or the error and exits 1.
import { HttpCachingChain, HttpChainClient, fetchBeacon } from "drand-client";

const [baseUrl, chainHash, publicKey, round] = process.argv.slice(2);
const options = { disableBeaconVerification: false, noCache: true, chainVerificationParams: { chainHash, publicKey } };
try {
  const chain = new HttpCachingChain(baseUrl, options);
  const client = new HttpChainClient(chain, options);
  const beacon = await fetchBeacon(client, Number(round));
  process.stdout.write(`RANDOMNESS=${beacon.randomness}\n`);
} catch (err) {
  process.stderr.write(`drand-client: ${err.message}\n`);
  process.exit(1);
}
