// Transport: gRPC over mutual TLS and certificate provisioning (the deployment issue).
