// The VPC, its subnets and the private zone; the subnets' CIDRs are planned by the model (planSubnetCidrs).
export { Network } from "./network";
export type { ExistingSubnet, NetworkArgs, NetworkSettings } from "./network";
