package com.messengerbridge.webhook;

/**
 * A request the bridge refuses. {@link #getStatus()} is the HTTP status, {@link #getReply()} the
 * short generic text the caller sees; the message says what was wrong for the log, and never
 * carries payload, signature or secret.
 */
public class WebhookRejectedException extends RuntimeException {

    private final int status;
    private final String reply;
    private final String code;

    public WebhookRejectedException(int status, String reply, String reason) {
        this(status, reply, reply.replace(' ', '_'), reason);
    }

    /** {@code code}: a short fixed label for metrics, such as {@code signature_missing}. */
    public WebhookRejectedException(int status, String reply, String code, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.reply = reply;
        this.code = code;
    }

    public static WebhookRejectedException badRequest(String reason) {
        return new WebhookRejectedException(400, "bad request", reason);
    }

    public int getStatus() {
        return status;
    }

    public String getReply() {
        return reply;
    }

    public String getCode() {
        return code;
    }
}
