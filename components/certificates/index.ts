// The stack's certificates, as one component (its specs are the model's: certificateSpecs).
export { Certificates } from "./certificates";
export type { CertificatesArgs, ProvidedCertificate } from "./certificates";
