export const EVENT_TYPES = [
  "tenant.signup",
  "tenant.approved",
  "tenant.rejected",
  "tenant.activated",
  "tenant.suspended",
  "tenant.claimed",
  "device.linked",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The wire shape of every platform event (DESIGN.md §6). */
export interface PlatformEvent {
  type: EventType;
  id: string;
  timestamp: string;
  data: Record<string, unknown>;
}
