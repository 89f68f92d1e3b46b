package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.messengerbridge.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class SignatureVerifierTest {

    private static final byte[] BODY = Fixtures.bytes("messaging_referrals.json");
    private final SignatureVerifier verifier = new SignatureVerifier(List.of("current-secret"));

    @Test
    void acceptsASignatureOverTheRawBytesInEitherHexCase() {
        String signature = verifier.signatureOf(BODY);

        assertThat(verifier.verify(signature, BODY)).isZero();
        assertThat(verifier.verify(signature.toUpperCase().replace("SHA256=", "sha256="), BODY)).isZero();
    }

    @Test
    void knownVectorMatchesOpenssl() {
        // echo -n '{"object":"page"}' | openssl dgst -sha256 -hmac s3cret
        byte[] body = "{\"object\":\"page\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(new SignatureVerifier(List.of("s3cret")).signatureOf(body))
                .isEqualTo("sha256=" + OPENSSL_VECTOR);
    }

    private static final String OPENSSL_VECTOR = "2c456c04d69676a639e2f3f04db472fa1dab1ac0c44d094f7684ada2e97d0c39";

    @Test
    void aReencodedBodyDoesNotVerify() {
        String original = new String(BODY, StandardCharsets.UTF_8);
        assertThat(original).contains("\\u00f6").contains("\\/");
        byte[] reencoded = original.replace("\\u00f6", "ö").replace("\\/", "/").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> verifier.verify(verifier.signatureOf(BODY), reencoded))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    }

    @Test
    void duringARotationEitherSecretVerifiesAndTheMatchIsNamed() {
        SignatureVerifier rotating = new SignatureVerifier(List.of("new-secret", "current-secret"));

        assertThat(rotating.verify(verifier.signatureOf(BODY), BODY)).isEqualTo(1);
        assertThat(rotating.verify(rotating.signatureOf(BODY), BODY)).isZero();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @CsvSource({
        "sha1=0123456789abcdef0123456789abcdef01234567",
        "sha256=",
        "sha256=abc",
        "sha256=g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00",
    })
    void aMissingOrMalformedHeaderIs401(String header) {
        assertThatThrownBy(() -> verifier.verify(header, BODY))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }

    @Test
    void aSignatureOfAnotherSecretIs403() {
        String foreign = new SignatureVerifier(List.of("someone-else")).signatureOf(BODY);

        assertThatThrownBy(() -> verifier.verify(foreign, BODY))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).doesNotContain(foreign.substring(7));
                });
    }

    @Test
    void refusesToExistWithoutASecret() {
        assertThatThrownBy(() -> new SignatureVerifier(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("META_APP_SECRET");
    }
}
