package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddedBrokerTest {

    @ParameterizedTest
    @CsvSource({"tcp://0.0.0.0:61616", "tcp://192.0.2.10:61616", "tcp://10.1.2.3:61616?protocols=CORE"})
    void anAcceptorBeyondLoopbackNeedsALogin(String acceptor) {
        assertThatThrownBy(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "", ""))
                .hasMessageContaining("set BROKER_USER and BROKER_PASSWORD");
        assertThatThrownBy(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "bridge", ""))
                .hasMessageContaining("set BROKER_USER and BROKER_PASSWORD");
        assertThatCode(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "bridge", "secret"))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"tcp://127.0.0.1:61616", "tcp://localhost:61616", "''"})
    void onThisMachineOnlyNoLoginIsNeeded(String acceptor) {
        assertThatCode(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "", ""))
                .doesNotThrowAnyException();
    }
}
