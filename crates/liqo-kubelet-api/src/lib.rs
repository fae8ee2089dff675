//! The kubelet HTTPS API as the API server calls it (`/containerLogs`, `/exec`, `/attach`,
//! `/portForward`): TLS, caller authentication (client certificate or bearer token) and
//! authorisation (SubjectAccessReview), routing to a backend. The virtual kubelet forwards to
//! the provider's pods; the testenv node agent serves its local processes.
