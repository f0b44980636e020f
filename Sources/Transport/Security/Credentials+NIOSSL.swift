import NIOSSL

extension Credentials {
    /// This participant's certificate and key, trusting only the consortium CA and requiring
    /// the peer's certificate, as the gRPC transport is configured. A client verifying the
    /// host name checks the coordinator's certificate as a site's gRPC connection does.
    package func nioConfiguration(asServer: Bool, verifyingHostname: Bool = false) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        var configuration =
            asServer
            ? TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
            : TLSConfiguration.makeClientConfiguration()
        if !asServer {
            configuration.certificateChain = chain
            configuration.privateKey = key
        }
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authorityPEM.utf8)))
        configuration.certificateVerification = verifyingHostname ? .fullVerification : .noHostnameVerification
        return configuration
    }
}
