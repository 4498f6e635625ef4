package io.cleave.runtime.mail;

import io.cleave.RuntimeService;

@RuntimeService
public interface Mailer {
    void send(String to, String text);
}
