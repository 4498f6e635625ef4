package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassListsTest {

    @TempDir
    Path dir;

    @Test
    void classListsOfSeveralProcessesMergeIntoOneWithoutTheirOwnIdsOrAHalfWrittenLine() throws IOException {
        // in the JDK's own format: each list numbers its classes from 0
        Path one = Files.writeString(dir.resolve("a.classlist"), """
                # NOTE: Do not modify this file.
                java/lang/Object id: 0
                java/util/ArrayList id: 1
                @cp java/util/ArrayList 1 2 7
                @lambda-proxy io/cleave/A run ()Ljava/lang/Runnable;
                app/Plugin id: 2 super: 0 source: /tmp/plugin.jar
                """);
        Path two = Files.writeString(dir.resolve("b.classlist"), """
                java/lang/Object id: 0
                java/util/HashMap id: 1
                @cp java/util/ArrayList 1 2 7
                @lambda-proxy io/cleave/A run ()Ljava/lang/Runnable;
                @lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L_L
                java/util/Linked""");

        assertThat(ClassLists.merge(List.of(one, two, dir.resolve("gone.classlist")))).containsExactly(
                "java/lang/Object",
                "java/util/ArrayList",
                "@cp java/util/ArrayList 1 2 7",
                "@lambda-proxy io/cleave/A run ()Ljava/lang/Runnable;",
                "java/util/HashMap",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L_L");
    }
}
