/** Registry-sent text ends up in these lines: control characters could forge log lines, so they go. */
export function safeLog(message: string): void {
  console.error(message.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?"));
}
