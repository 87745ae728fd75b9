import * as assert from "assert";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { decideWaiver, nameFromUrn, withWaivers } from "../../../policy-pack/lib/waivers";
import { policies, unwaivedPolicies } from "../../../policy-pack/policies";

const urn = "urn:pulumi:dev::webstack::webstack:lb:LoadBalancer$aws:ec2/instance:Instance::lb";
const otherUrn = "urn:pulumi:dev::webstack::aws:ec2/instance:Instance::app-0";
const reason = "legacy AMI until Q3 migration";

interface Reported {
    message: string;
    urn?: string;
}

/** Runs a policy's (wrapped) validateResource on resource `name` at `urn`, with `waivers` as its config. */
function runResource(validate: ResourceValidation, waivers: unknown, resourceUrn = urn, name = nameFromUrn(resourceUrn)): Reported[] {
    const reported: Reported[] = [];
    const args = { type: "aws:ec2/instance:Instance", urn: resourceUrn, name, props: {}, getConfig: () => ({ waivers }) } as unknown as ResourceValidationArgs;
    void validate(args, (message, u) => reported.push({ message, urn: u }));
    return reported;
}

/** Runs a stack policy's (wrapped) validateStack with `waivers` as its config. */
function runStack(policy: StackValidationPolicy, waivers: unknown): Reported[] {
    const reported: Reported[] = [];
    const args = { resources: [], getConfig: () => ({ waivers }) } as unknown as StackValidationArgs;
    void policy.validateStack(args, (message, u) => reported.push({ message, urn: u }));
    return reported;
}

/** A check that reports `message` on the resource it is given. */
const reportsEveryResource: ResourceValidation = (_args, report: ReportViolation) => report("finding");

const clock = (iso: string) => () => new Date(`${iso}T12:00:00Z`);

describe("lib/waivers", () => {
    it("matches a waiver by URN or by the URN's name segment", () => {
        assert.strictEqual(nameFromUrn(urn), "lb");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: urn, reason }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: "app-0", reason }], urn, undefined, "2030-01-01").kind, "none");
    });
    it("matches a waiver by the bare resource name when no URN is known, but a URN waiver does not match a bare name", () => {
        const byName = { resource: "lb", reason };
        assert.deepStrictEqual(decideWaiver([byName], undefined, "lb", "2030-01-01"), { kind: "waived", waiver: byName });
        assert.strictEqual(decideWaiver([{ resource: urn, reason }], undefined, "lb", "2030-01-01").kind, "none");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason }], undefined, undefined, "2030-01-01").kind, "none");
    });
    it("an empty resource name targets nothing, not even a waiver whose resource is empty", () => {
        assert.strictEqual(decideWaiver([{ resource: "", reason }], undefined, "", "2030-01-01").kind, "none");
    });
    it("waives through the expiry day, reports expired waivers after it", () => {
        assert.strictEqual(decideWaiver([{ resource: "lb", reason, expires: "2030-01-01" }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason, expires: "2030-01-01" }], urn, undefined, "2030-01-02").kind, "expired");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason: "short" }], urn, undefined, "2030-01-01").kind, "none");
        assert.strictEqual(decideWaiver(undefined, urn, undefined, "2030-01-01").kind, "none");
    });
    it("a live waiver later in the list wins over an expired one; of several expired, the first is reported", () => {
        const old = { resource: "lb", reason, expires: "2029-06-30" };
        const older = { resource: urn, reason, expires: "2029-01-31" };
        const live = { resource: urn, reason, expires: "2031-01-01" };
        assert.deepStrictEqual(decideWaiver([old, live], urn, undefined, "2030-01-01"), { kind: "waived", waiver: live });
        assert.deepStrictEqual(decideWaiver([old, older], urn, undefined, "2030-01-01"), { kind: "expired", waiver: old });
    });
    it("a malformed waiver entry (null, a non-string resource, a missing or non-string reason) waives nothing and does not stop the search", () => {
        const good = { resource: "lb", reason };
        for (const bad of [null, undefined, { resource: 42, reason }, { reason }, { resource: "lb" }, { resource: "lb", reason: 12345678901 }]) {
            assert.deepStrictEqual(decideWaiver([bad], urn, undefined, "2030-01-01"), { kind: "none" }, `${JSON.stringify(bad)} alone`);
            assert.deepStrictEqual(decideWaiver([bad, good], urn, undefined, "2030-01-01"), { kind: "waived", waiver: good }, `${JSON.stringify(bad)} before a valid waiver`);
        }
    });
    it("a reason must have at least 10 characters once surrounding whitespace is trimmed", () => {
        assert.strictEqual(decideWaiver([{ resource: "lb", reason: "ten chars!" }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason: "nine char" }], urn, undefined, "2030-01-01").kind, "none");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason: "     short     " }], urn, undefined, "2030-01-01").kind, "none");
    });
    it("wraps every policy in the pack and keeps the engine's type marker", () => {
        assert.strictEqual(policies.length, unwaivedPolicies.length);
        const fn = Object.assign(() => undefined, { __pulumiType: "aws:s3/bucket:Bucket" });
        const wrapped = withWaivers({ name: "x", description: "x", validateResource: fn }) as { validateResource: { __pulumiType?: string } };
        assert.strictEqual(wrapped.validateResource.__pulumiType, "aws:s3/bucket:Bucket");
    });

    describe("withWaivers on a resource policy", () => {
        const policy: ResourceValidationPolicy = { name: "x", description: "x", enforcementLevel: "mandatory", validateResource: reportsEveryResource };

        it("drops a waived resource's violation and passes other resources' violations through unchanged", () => {
            const wrapped = withWaivers(policy, clock("2030-01-01")) as ResourceValidationPolicy;
            assert.strictEqual(wrapped.enforcementLevel, "mandatory");
            const validate = wrapped.validateResource as ResourceValidation;
            assert.deepStrictEqual(runResource(validate, [{ resource: "lb", reason }]), []);
            assert.deepStrictEqual(runResource(validate, [{ resource: "lb", reason }], otherUrn), [{ message: "finding", urn: undefined }]);
            assert.deepStrictEqual(runResource(validate, undefined), [{ message: "finding", urn: undefined }]);
        });
        it("reports a violation under an expired waiver, saying which waiver expired and when", () => {
            const validate = (withWaivers(policy, clock("2030-01-02")) as ResourceValidationPolicy).validateResource as ResourceValidation;
            assert.deepStrictEqual(runResource(validate, [{ resource: "lb", reason, expires: "2030-01-01" }]), [
                { message: "finding (the waiver for lb expired on 2030-01-01; renew it with a new date or fix the finding)", urn: undefined },
            ]);
            const stillValid = (withWaivers(policy, clock("2030-01-01")) as ResourceValidationPolicy).validateResource as ResourceValidation;
            assert.deepStrictEqual(runResource(stillValid, [{ resource: "lb", reason, expires: "2030-01-01" }]), []);
        });
        it("reads the clock only when a violation is reported", () => {
            let reads = 0;
            const now = () => {
                reads++;
                return new Date("2030-01-01T00:00:00Z");
            };
            const quiet = (withWaivers({ ...policy, validateResource: () => undefined }, now) as ResourceValidationPolicy).validateResource as ResourceValidation;
            assert.deepStrictEqual(runResource(quiet, [{ resource: "lb", reason }]), []);
            assert.strictEqual(reads, 0);
            const loud = (withWaivers(policy, now) as ResourceValidationPolicy).validateResource as ResourceValidation;
            runResource(loud, [{ resource: "lb", reason }]);
            assert.strictEqual(reads, 1);
        });
        it("wraps validateResource given as an array element-wise, each keeping its own type marker", () => {
            const bucket = Object.assign(((_args, report) => report("bucket finding")) as ResourceValidation, { __pulumiType: "aws:s3/bucket:Bucket" });
            const untyped: ResourceValidation = (_args, report) => report("untyped finding");
            const wrapped = withWaivers({ ...policy, validateResource: [bucket, untyped] }, clock("2030-01-01")) as ResourceValidationPolicy;
            const validates = wrapped.validateResource as (ResourceValidation & { __pulumiType?: string })[];
            assert.strictEqual(validates.length, 2);
            assert.strictEqual(validates[0].__pulumiType, "aws:s3/bucket:Bucket");
            assert.strictEqual(validates[1].__pulumiType, undefined);
            for (const v of validates) {
                assert.notStrictEqual(v, bucket);
                assert.notStrictEqual(v, untyped);
                assert.deepStrictEqual(runResource(v, [{ resource: urn, reason }]), []);
            }
            assert.deepStrictEqual(runResource(validates[0], [], otherUrn), [{ message: "bucket finding", urn: undefined }]);
            assert.deepStrictEqual(runResource(validates[1], [], otherUrn), [{ message: "untyped finding", urn: undefined }]);
        });
        it("returns a policy without validateResource unchanged", () => {
            const remediateOnly: ResourceValidationPolicy = { name: "r", description: "r", remediateResource: () => undefined };
            assert.strictEqual(withWaivers(remediateOnly), remediateOnly);
        });
        it("treats a policy whose validateStack key is present but not a function as a resource policy", () => {
            const withEmptyStackKey = { ...policy, validateStack: undefined } as ResourceValidationPolicy;
            const wrapped = withWaivers(withEmptyStackKey, clock("2030-01-01")) as ResourceValidationPolicy;
            const validate = wrapped.validateResource as ResourceValidation;
            assert.notStrictEqual(validate, reportsEveryResource);
            assert.deepStrictEqual(runResource(validate, [{ resource: "lb", reason }]), []);
            assert.deepStrictEqual(runResource(validate, [], otherUrn), [{ message: "finding", urn: undefined }]);
        });
    });

    describe("withWaivers on a stack policy", () => {
        const inner = Object.assign(
            ((_args, report) => {
                report("lb finding", urn);
                report("app finding", otherUrn);
                report("stack finding");
            }) as StackValidationPolicy["validateStack"],
            { __pulumiType: "aws:ec2/instance:Instance" },
        );
        const policy: StackValidationPolicy = { name: "s", description: "s", enforcementLevel: "advisory", validateStack: inner };

        it("reads the waivers from the stack policy's config and drops violations on waived resources, keeping each violation's URN", () => {
            const wrapped = withWaivers(policy, clock("2030-01-01")) as StackValidationPolicy;
            assert.strictEqual(wrapped.name, "s");
            assert.strictEqual(wrapped.enforcementLevel, "advisory");
            assert.notStrictEqual(wrapped.validateStack, inner);
            assert.deepStrictEqual(runStack(wrapped, [{ resource: "lb", reason }]), [
                { message: "app finding", urn: otherUrn },
                { message: "stack finding", urn: undefined },
            ]);
            assert.deepStrictEqual(runStack(wrapped, [{ resource: otherUrn, reason }]), [
                { message: "lb finding", urn },
                { message: "stack finding", urn: undefined },
            ]);
            assert.strictEqual(runStack(wrapped, undefined).length, 3);
        });
        it("reports a violation under an expired waiver with the expiry, using the injected clock", () => {
            const wrapped = withWaivers(policy, clock("2030-01-02")) as StackValidationPolicy;
            assert.deepStrictEqual(runStack(wrapped, [{ resource: "lb", reason, expires: "2030-01-01" }]), [
                { message: "lb finding (the waiver for lb expired on 2030-01-01; renew it with a new date or fix the finding)", urn },
                { message: "app finding", urn: otherUrn },
                { message: "stack finding", urn: undefined },
            ]);
        });
        it("copies the engine's type marker to the wrapped validateStack", () => {
            const wrapped = withWaivers(policy) as StackValidationPolicy & { validateStack: { __pulumiType?: string } };
            assert.strictEqual(wrapped.validateStack.__pulumiType, "aws:ec2/instance:Instance");
        });
    });
});
