/** What the delivery path reports for metrics; the server plugs prom-client in here. */
export interface DeliveryTelemetry {
  messageStored(): void;
  /** Send → acknowledgement by the recipient. */
  messageDelivered(latencyMs: number): void;
  messageFailed(): void;
  loginFailed(): void;
}

export const noTelemetry: DeliveryTelemetry = {
  messageStored: () => undefined,
  messageDelivered: () => undefined,
  messageFailed: () => undefined,
  loginFailed: () => undefined,
};
