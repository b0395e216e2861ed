// noble-curves' BN254 pairing (the code npm drand-client verifies evmnet with), printed in kyber's order.
//
//   node bn254_pairing.mjs A B [A B ...]
//
// For each pair of decimal scalars prints one line: e(A·G1, B·G2) as computed by @noble/curves,
// its 12 Fp coordinates in kyber's gfP12 marshal order (ω part first; τ², τ, 1; imaginary first),
// 32 bytes each, hex. noble's final exponentiation is a fixed power of the standard one; the
// Python test raises our value to that power before it compares.
import { bn254 } from "@noble/curves/bn254";

const hex32 = (x) => x.toString(16).padStart(64, "0");
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const p = bn254.G1.ProjectivePoint.BASE.multiply(BigInt(args[i]));
  const q = bn254.G2.ProjectivePoint.BASE.multiply(BigInt(args[i + 1]));
  const f = bn254.pairing(p, q);
  const out = [];
  for (const half of [f.c1, f.c0]) {
    for (const fp2 of [half.c2, half.c1, half.c0]) {
      out.push(hex32(fp2.c1), hex32(fp2.c0));
    }
  }
  process.stdout.write(out.join("") + "\n");
}
