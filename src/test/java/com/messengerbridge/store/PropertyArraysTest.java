package com.messengerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyArraysTest {

    private static Map<String, Object> sample() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("metaObject", "page");
        properties.put("metaTimestamp", 1718035201000L);
        properties.put("metaMid", null);
        properties.put("JMSXGroupID", "page:104851209876543:6543210987654321");
        return properties;
    }

    @Test
    void readsAsTheMapItWasMadeFromInItsOrderWithNulls() {
        PropertyArrays properties = PropertyArrays.of(sample());

        assertThat(properties).isEqualTo(sample()).hasSameHashCodeAs(sample());
        assertThat(properties.keySet()).containsExactly("metaObject", "metaTimestamp", "metaMid", "JMSXGroupID");
        assertThat(properties.get("metaTimestamp")).isEqualTo(1718035201000L);
        assertThat(properties.containsKey("metaMid")).isTrue();
        assertThat(properties.get("metaMid")).isNull();
        assertThat(properties.containsKey("metaSenderId")).isFalse();
        assertThat(properties.get("metaSenderId")).isNull();
        for (int i = 0; i < properties.size(); i++) {
            assertThat(properties.get(properties.name(i))).isEqualTo(properties.value(i));
        }
    }

    @Test
    void withAddsANameLastOrSetsOneInItsPlaceAndLeavesTheOriginal() {
        PropertyArrays properties = PropertyArrays.of(sample());

        PropertyArrays marked = properties.with("bridgeMark", "v1.abc");
        PropertyArrays changed = properties.with("metaObject", "instagram");

        assertThat(marked.keySet()).endsWith("bridgeMark").hasSize(5);
        assertThat(marked.get("bridgeMark")).isEqualTo("v1.abc");
        assertThat(changed.keySet()).containsExactlyElementsOf(properties.keySet());
        assertThat(changed.get("metaObject")).isEqualTo("instagram");
        assertThat(properties).isEqualTo(sample());
    }

    @Test
    void aBuilderKeepsWhatWasPutInOrder() {
        PropertyArrays.Builder builder = new PropertyArrays.Builder(5);
        builder.put("metaField", "messages");
        builder.put("_AMQ_DUPL_ID", "page:messages:m_1");

        assertThat(builder.build()).containsExactly(Map.entry("metaField", "messages"),
                Map.entry("_AMQ_DUPL_ID", "page:messages:m_1"));
    }

    @Test
    void cannotBeChanged() {
        PropertyArrays properties = PropertyArrays.of(sample());

        assertThatThrownBy(() -> properties.put("metaObject", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> properties.entrySet().iterator().next().setValue("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
