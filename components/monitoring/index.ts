// The Datadog monitors and dashboard; what each monitor watches is the model's (monitorSpecs).
export { Monitoring } from "./monitoring";
export type { MonitoringArgs } from "./monitoring";
