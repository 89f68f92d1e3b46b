package com.messengerbridge.webhook;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@code X-Hub-Signature-256: sha256=<hex>} against an HMAC-SHA256 of the raw request bytes,
 * keyed with each configured App Secret in turn (several during a rotation). The bytes are hashed
 * exactly as received, before any parsing: Meta signs its escaped form ({@code \u00e4}, {@code \/}),
 * so a re-encoded body does not verify.
 */
public final class SignatureVerifier implements Processor, MeterBinder {

    public static final String HEADER = "X-Hub-Signature-256";

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";
    private static final int DIGEST_HEX_LENGTH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SignatureVerifier.class);
    /** During a rotation, how often at most the log says which secret requests are signed with. */
    private static final long ROTATION_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final List<SecretKeySpec> keys;
    /** One initialised Mac per secret and thread: looking up and keying a Mac per request costs more than the hash. */
    private final ThreadLocal<List<Mac>> macs;
    private final boolean checking;
    private final AtomicLongArray matches;
    private final AtomicLongArray lastLogged;

    private SignatureVerifier(List<SecretKeySpec> keys, boolean checking) {
        this.keys = keys;
        this.macs = ThreadLocal.withInitial(() -> keys.stream().map(SignatureVerifier::macFor).toList());
        this.checking = checking;
        this.matches = new AtomicLongArray(Math.max(1, keys.size()));
        this.lastLogged = new AtomicLongArray(Math.max(1, keys.size()));
    }

    /** Checks every request against these secrets; the first is the current one, the others are being retired. */
    public SignatureVerifier(List<String> appSecrets) {
        this(keysOf(appSecrets), true);
    }

    /**
     * For local trials only: accepts every request unsigned. The bridge then logs, loudly, that
     * anyone who can reach it can inject events.
     */
    public static SignatureVerifier insecureNoCheck() {
        return new SignatureVerifier(List.of(), false);
    }

    private static List<SecretKeySpec> keysOf(List<String> appSecrets) {
        if (appSecrets.isEmpty()) {
            throw new IllegalArgumentException(
                    "no App Secret configured: set META_APP_SECRET (comma-separated during a rotation)");
        }
        return appSecrets.stream()
                .map(secret -> new SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), ALGORITHM))
                .toList();
    }

    @Override
    public void process(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (checking) {
            countMatch(verify(exchange.getMessage().getHeader(HEADER, String.class), body));
        }
        exchange.getMessage().setBody(body);
    }

    /** A rotation is visible in the log: which secret signs, at most once a minute each, never the secret. */
    private void countMatch(int index) {
        long count = matches.incrementAndGet(index);
        if (keys.size() < 2) {
            return;
        }
        long now = System.nanoTime();
        long last = lastLogged.get(index);
        if ((last == 0 || now - last >= ROTATION_LOG_INTERVAL_NANOS) && lastLogged.compareAndSet(index, last, now)) {
            LOG.info("signature matched App Secret #{} of {} ({} requests so far){}", index + 1, keys.size(), count,
                    index == 0 ? "" : ": Meta still signs with an older secret, keep it configured");
        }
    }

    /**
     * @return the index of the secret that produced the signature
     * @throws WebhookRejectedException 401 when the header is missing or malformed, 403 when no secret matches
     */
    public int verify(String header, byte[] body) {
        byte[] claimed = parse(header);
        List<Mac> keyed = macs.get();
        for (int i = 0; i < keyed.size(); i++) {
            if (MessageDigest.isEqual(keyed.get(i).doFinal(body), claimed)) {
                return i;
            }
        }
        throw new WebhookRejectedException(403, "forbidden", "signature_mismatch",
                "signature mismatch: body signed with another App Secret, or re-encoded on the way?");
    }

    /** How many requests each secret signed, in the configured order (metrics; never the secret). */
    public long matchesOf(int index) {
        return matches.get(index);
    }

    public int secretCount() {
        return keys.size();
    }

    /** The header value Meta would send for this body, signed with the first secret; HTTP sinks sign with it too. */
    public String signatureOf(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(macs.get().get(0).doFinal(body));
    }

    private static byte[] parse(String header) {
        if (header == null || header.isBlank()) {
            throw new WebhookRejectedException(401, "unauthorized", "signature_missing", "no " + HEADER + " header");
        }
        String value = header.strip();
        if (!value.startsWith(PREFIX) || value.length() != PREFIX.length() + DIGEST_HEX_LENGTH) {
            throw new WebhookRejectedException(401, "unauthorized", "signature_malformed", HEADER + " is not sha256=<64 hex digits>");
        }
        try {
            return HexFormat.of().parseHex(value, PREFIX.length(), value.length());
        } catch (IllegalArgumentException notHex) {
            throw new WebhookRejectedException(401, "unauthorized", "signature_malformed", HEADER + " is not hexadecimal");
        }
    }

    private static Mac macFor(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", impossible);
        }
    }

    /** Which App Secret signed, by its position in META_APP_SECRET (1 is the current one). */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (int i = 0; i < secretCount(); i++) {
            int index = i;
            FunctionCounter.builder("bridge.signature.matched", this, v -> v.matchesOf(index))
                    .description("Requests whose signature matched the App Secret at this position")
                    .tags("secret", Integer.toString(i + 1)).register(registry);
        }
    }
}
