package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cleave replay-dead-letters} against a real PostgreSQL (the local server, in a database of
 * its own), on cleave-events' tables as a relay and a Kafka consumer leave them: a relay's dead
 * letters go back into the outbox, a consumer's are marked for delivery, and {@code --type} keeps
 * the others.
 */
class ReplayDeadLettersCommandTest {

    private static final String SERVER = System.getenv().getOrDefault("CLEAVE_TEST_POSTGRES_URL", "").isBlank()
            ? "jdbc:postgresql://127.0.0.1:5432/postgres" : System.getenv("CLEAVE_TEST_POSTGRES_URL");
    private static final String DATABASE = "replay_cli_" + UUID.randomUUID().toString().substring(0, 8);
    private static String url;

    @BeforeAll
    static void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        } catch (SQLException e) {
            fail("PostgreSQL at " + SERVER + " (user postgres) is needed: " + e.getMessage());
        }
        url = SERVER.substring(0, SERVER.lastIndexOf('/') + 1) + DATABASE;
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            // the tables as cleave-events creates them (Outbox, KafkaSubscription)
            s.execute("create schema ledger");
            s.execute("""
                    create table ledger.cleave_outbox (seq bigserial primary key, id varchar(36) not null,
                        subscriber varchar(300) not null, topic varchar(300) not null, key varchar(200) not null,
                        payload bytea not null, attempts int not null default 0, retries int not null default 0,
                        next_attempt_at timestamptz not null default clock_timestamp(), last_error varchar(2000),
                        created_at timestamptz not null default clock_timestamp())""");
            s.execute("""
                    create table ledger.cleave_dead_letter (seq bigint primary key, id varchar(36) not null,
                        subscriber varchar(300) not null, topic varchar(300) not null, key varchar(200) not null,
                        payload bytea not null, attempts int not null, last_error varchar(2000),
                        created_at timestamptz not null, failed_at timestamptz not null default clock_timestamp())""");
            s.execute("""
                    insert into ledger.cleave_dead_letter (seq, id, subscriber, topic, key, payload, attempts, created_at) values
                        (7, 'e1', 'Audit.posted', 'app.Posted', 'k1', '\\x01', 3, now()),
                        (9, 'e2', 'Audit.other', 'app.Other', 'k2', '\\x02', 3, now())""");
            s.execute("create schema audit");
            s.execute("""
                    create table audit.cleave_kafka_dead_letter (seq bigserial primary key, id varchar(300) not null,
                        subscriber varchar(300) not null, topic varchar(300) not null, key text not null,
                        payload bytea not null, kafka_topic varchar(300) not null, kafka_partition int not null,
                        kafka_offset bigint not null, attempts int not null, last_error varchar(2000),
                        failed_at timestamptz not null default clock_timestamp(), replay boolean not null default false,
                        next_attempt_at timestamptz not null default clock_timestamp())""");
            s.execute("""
                    insert into audit.cleave_kafka_dead_letter (id, subscriber, topic, key, payload, kafka_topic,
                        kafka_partition, kafka_offset, attempts) values
                        ('e3', 'Audit.posted', 'app.Posted', 'k3', '\\x03', 't', 0, 5, 3)""");
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
        }
    }

    @Test
    void putsBackTheDeadLettersOfATypeInEverySchemaAndLeavesTheOthers() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cleave = Main.commandLine();
        cleave.setOut(new PrintWriter(out));

        int exit = cleave.execute("replay-dead-letters", "--url", url, "--user", "postgres", "--type", "app.Posted");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("audit: 1 dead letter of the Kafka consumer marked to be delivered again")
                .contains("ledger: 1 dead letter put back into the outbox");
        assertThat(query("select id || ' ' || subscriber || ' ' || key from ledger.cleave_outbox"))
                .isEqualTo("e1 Audit.posted k1");
        assertThat(query("select string_agg(id, ',') from ledger.cleave_dead_letter")).isEqualTo("e2");
        assertThat(query("select replay || ' ' || attempts from audit.cleave_kafka_dead_letter")).isEqualTo("true 0");
    }

    @Test
    void neitherDataDirNorUrlIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cleave = Main.commandLine();
        cleave.setErr(new PrintWriter(err));

        int exit = cleave.execute("replay-dead-letters");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("give either --data-dir or --url");
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
