package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerGateTest {

    @Test
    void openUntilAStoreFails() {
        BrokerGate gate = new BrokerGate(60_000);

        assertThatCode(gate::enter).doesNotThrowAnyException();
        gate.failed();
        assertThatThrownBy(gate::enter).isInstanceOf(BrokerGate.BrokerUnavailableException.class);
    }

    @Test
    void afterTheCoolDownOneRequestTriesAndTheOthersStillWait() {
        BrokerGate gate = new BrokerGate(0);
        gate.failed();

        assertThatCode(gate::enter).as("the trial").doesNotThrowAnyException();
        gate.stored();
        assertThatCode(gate::enter).doesNotThrowAnyException();
    }

    @Test
    void aTrialThatNeverReportsDoesNotCloseTheGateForever() throws InterruptedException {
        // a cool-down long enough that no pause of a busy machine between two calls outlasts it
        BrokerGate gate = new BrokerGate(500);
        gate.failed();
        Thread.sleep(600);
        gate.enter(); // a trial whose request then ends in a 403, reporting nothing

        assertThatThrownBy(gate::enter).isInstanceOf(BrokerGate.BrokerUnavailableException.class);
        Thread.sleep(600);
        assertThatCode(gate::enter).as("the next trial").doesNotThrowAnyException();
    }
}
