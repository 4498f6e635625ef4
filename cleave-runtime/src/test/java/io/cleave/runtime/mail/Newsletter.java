package io.cleave.runtime.mail;

import io.cleave.Component;

@Component
public interface Newsletter {
    void publish(String text);
}
