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

    @org.junit.jupiter.api.Test
    void theConsumersLoginIsASecondLoginOfItsOwn() {
        EmbeddedBroker.Login bridge = new EmbeddedBroker.Login("bridge", "secret");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(EmbeddedBroker.Login.NONE,
                new EmbeddedBroker.Login("reader", "secret"))).hasMessageContaining("without BROKER_USER");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("reader", "")))
                .hasMessageContaining("without BROKER_CONSUMER_PASSWORD");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("bridge", "other")))
                .hasMessageContaining("must differ");
        assertThatCode(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("reader", "secret")))
                .doesNotThrowAnyException();
        assertThatCode(() -> EmbeddedBroker.requireDistinctLogins(bridge, EmbeddedBroker.Login.NONE))
                .doesNotThrowAnyException();
    }
}
