package com.messengerbridge.sink;

import com.messengerbridge.EventProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bridge's mark on what it stores for a sink: an HMAC-SHA256 over the sink's type, the event's
 * JSON and the properties its sink request is built from. A sink route delivers, and signs, only a
 * message with a valid mark; anything else put on {@code sink.<type>} by someone else with access
 * to the broker is dead-lettered.
 * <p>
 * The key is derived from {@code META_APP_SECRET}, which every instance of the bridge shares: the
 * first secret marks, and during a rotation a mark made with any listed secret is valid. Without a
 * secret (the insecure trial mode) the key is derived from nothing and protects nothing, like the
 * unchecked signature.
 */
public final class SinkMark {

    public static final String PROPERTY = "bridgeMark";
    /** The properties that steer a sink request, in the order they are marked. */
    static final List<String> MARKED_PROPERTIES = List.of(EventProperties.OBJECT, EventProperties.FIELD,
            EventProperties.ENTRY_ID, EventProperties.MID, EventProperties.STANDBY);
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PURPOSE = "messenger-bridge sink mark v1".getBytes(StandardCharsets.UTF_8);

    private final List<SecretKeySpec> keys = new ArrayList<>();

    /** @param secrets the App Secrets, newest first; none in the insecure trial mode */
    public SinkMark(List<String> secrets) {
        for (String secret : secrets.isEmpty() ? List.of("") : secrets) {
            // a key of its own (HKDF's extract step, the purpose as salt), not the App Secret itself:
            // a mark is never a valid Meta signature
            keys.add(new SecretKeySpec(hmac(new SecretKeySpec(PURPOSE, ALGORITHM),
                    secret.getBytes(StandardCharsets.UTF_8)), ALGORITHM));
        }
    }

    /**
     * The mark of an event stored for the sink of {@code sinkType}.
     *
     * @param property the event's properties by name; its idempotency key is the broker's
     *                 duplicate id, or {@value SinkRequest#IDEMPOTENCY_PROPERTY} once dead-lettered
     */
    public String of(String sinkType, Function<String, Object> property, String body) {
        return HexFormat.of().formatHex(hmac(keys.get(0), canonical(sinkType, property, body)));
    }

    /** True when {@code mark} was made by a bridge sharing one of these secrets, for this very event and sink. */
    public boolean isValid(String sinkType, Function<String, Object> property, String body, Object mark) {
        if (!(mark instanceof String hex) || hex.length() != 64) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        byte[] content = canonical(sinkType, property, body);
        boolean valid = false;
        for (SecretKeySpec key : keys) {
            valid |= MessageDigest.isEqual(hmac(key, content), given);
        }
        return valid;
    }

    /** Each part with its length before it: no two different events read as the same bytes. */
    private static byte[] canonical(String sinkType, Function<String, Object> property, String body) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(utf8(sinkType));
        for (String name : MARKED_PROPERTIES) {
            parts.add(utf8(property.apply(name)));
        }
        parts.add(utf8(SinkRequest.idempotencyKeyOf(property)));
        parts.add(utf8(body));
        int size = 0;
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteBuffer canonical = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            canonical.putInt(part.length).put(part);
        }
        return canonical.array();
    }

    private static byte[] utf8(Object value) {
        // absent and empty differ: -1 cannot be a length
        return value == null ? new byte[] {-1} : value.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(content);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, impossible);
        }
    }
}
