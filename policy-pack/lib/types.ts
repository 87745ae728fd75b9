// Resource type tokens the pack inspects (strings, so the pack needs no provider SDKs).
export const EC2_INSTANCE = "aws:ec2/instance:Instance";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const SPOT_INSTANCE_REQUEST = "aws:ec2/spotInstanceRequest:SpotInstanceRequest";
export const SPOT_FLEET_REQUEST = "aws:ec2/spotFleetRequest:SpotFleetRequest";
/**
 * A spot fleet's inline launch specifications are the only launch-path form left with its own
 * volumes and user data (and no metadataOptions input at all). EC2 Fleet (aws:ec2/fleet:Fleet)
 * and Auto Scaling groups launch from launch templates: their overrides carry only instance
 * type, subnet, weight, priority and instance requirements (plus, for an ASG, another launch
 * template, which is judged as a launch template), so they need no judging of their own.
 */
export function spotFleetLaunchSpecifications(props: Record<string, unknown>): Record<string, unknown>[] {
    return Array.isArray(props.launchSpecifications) ? props.launchSpecifications.filter((s: unknown): s is Record<string, unknown> => s !== null && typeof s === "object") : [];
}
/** Launch paths whose inputs have an instance's shape (rootBlockDevice, ebsBlockDevices, metadataOptions, userData). */
export const INSTANCE_SHAPED = [EC2_INSTANCE, LAUNCH_CONFIGURATION, SPOT_INSTANCE_REQUEST];
export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
export const TARGET_GROUP_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const EBS_VOLUME = "aws:ebs/volume:Volume";
export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_CLUSTER = "aws:rds/cluster:Cluster";
export const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const TLS_SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";
export const TLS_LOCALLY_SIGNED_CERT = "tls:index/locallySignedCert:LocallySignedCert";
export const DATADOG_MONITOR = "datadog:index/monitor:Monitor";
