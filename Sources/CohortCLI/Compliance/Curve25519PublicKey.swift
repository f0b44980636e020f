import Crypto

/// The Ed25519 public key type, named once for the CLI's compliance commands.
typealias Curve25519PublicKey = Curve25519.Signing.PublicKey
