import { DeviceFlowError } from "../core/errors.js";
import { sleep, type RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";
import type { MembershipRole, TenantSummary } from "./shared.js";

export interface ClaimLink {
  id: string;
  token: string;
  url: string;
  role: MembershipRole;
  max_uses: number;
  expires_at: string;
}

/** Body of a new claim link; each field optional (role member, one use, 7 days). */
export interface ClaimLinkParams {
  role?: MembershipRole;
  max_uses?: number;
  expires_in_days?: number;
}

export interface BrowserLink {
  id: string;
  url: string;
  token: string;
  expires_at: string;
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface DeviceLinked {
  status: "linked";
  tenant: TenantSummary;
  user: { id: string; subject: string; email: string | null; role: MembershipRole };
}

/** RFC 8628 §3.5 poll answers that are states of the flow, not failures of the call. */
export type DeviceFlowErrorCode = "authorization_pending" | "slow_down" | "access_denied" | "expired_token";
export interface DevicePending {
  error: DeviceFlowErrorCode;
  error_description: string;
}

const DEVICE_ERRORS = new Set<string>(["authorization_pending", "slow_down", "access_denied", "expired_token"]);
const isDeviceFlowState = (status: number, body: unknown) =>
  status === 400 && typeof (body as { error?: unknown } | null)?.error === "string" && DEVICE_ERRORS.has((body as { error: string }).error);

export interface WaitForDeviceLinkOptions extends RequestOptions {
  /** Called after each poll that is not yet linked, e.g. to animate a spinner. */
  onPoll?: (state: DevicePending) => void;
  /** Replaces the timer between polls (custom schedulers, tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** Linking humans to this tenant: claim links, browser links and the device flow. */
export class IdentityBridge extends APIResource {
  /** A claim link for a teammate (admin key). */
  generateClaimLink(params: ClaimLinkParams = {}, options?: RequestOptions): Promise<ClaimLink> {
    return this.core.request({ method: "POST", path: "/v1/tenant/claim-link", credential: "apiKey", body: params, options });
  }

  /** A single-use owner link to open in a browser. */
  createBrowserLink(options?: RequestOptions): Promise<BrowserLink> {
    return this.core.request({ method: "POST", path: "/v1/auth/link", credential: "apiKey", body: {}, options });
  }

  /**
   * Starts the device flow (RFC 8628): show `user_code` and `verification_uri` to the human.
   * `role` is what an identity new to the tenant gets on approval (default owner).
   */
  authorizeDevice(params: { role?: MembershipRole } = {}, options?: RequestOptions): Promise<DeviceAuthorization> {
    return this.core.request({ method: "POST", path: "/v1/auth/device/authorize", credential: "apiKey", body: params, options });
  }

  /** One poll. Pending, slow-down, denied and expired come back as values, not exceptions. */
  pollDeviceToken(deviceCode: string, options?: RequestOptions): Promise<DeviceLinked | DevicePending> {
    return this.core.request({
      method: "POST",
      path: "/v1/auth/device/token",
      credential: "apiKey",
      body: { device_code: deviceCode },
      resultOnError: isDeviceFlowState,
      options,
    });
  }

  /**
   * Polls until the human confirms, waiting `interval` seconds between polls and 5 s more after
   * each `slow_down` (RFC 8628 §3.5). Throws DeviceFlowError when denied or expired.
   */
  async waitForDeviceLink(
    authorization: Pick<DeviceAuthorization, "device_code" | "interval" | "expires_in">,
    options: WaitForDeviceLinkOptions = {},
  ): Promise<DeviceLinked> {
    const { onPoll, sleep: wait = sleep, ...requestOptions } = options;
    let interval = authorization.interval;
    const deadline = Date.now() + authorization.expires_in * 1000;
    for (;;) {
      await wait(interval * 1000);
      if (requestOptions.signal?.aborted) throw requestOptions.signal.reason ?? new Error("aborted");
      const result = await this.pollDeviceToken(authorization.device_code, requestOptions);
      if ("status" in result) return result;
      onPoll?.(result);
      if (result.error === "slow_down") interval += 5;
      else if (result.error === "access_denied" || result.error === "expired_token")
        throw new DeviceFlowError(result.error, result.error_description);
      if (Date.now() > deadline) throw new DeviceFlowError("expired_token", "The device code expired before it was confirmed.");
    }
  }
}
