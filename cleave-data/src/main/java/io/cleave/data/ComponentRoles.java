package io.cleave.data;

import io.cleave.StartupException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * On a configured PostgreSQL server ({@code [data] url}), a role per component that owns the
 * component's schema and nothing else: the component's connections log in as the configured user
 * and switch to that role ({@code SET ROLE}) before any statement of the component runs, so a
 * query from one component into another's tables fails with {@code permission denied}. Cleave
 * creates the roles and grants at first start through the configured user; when that user may
 * not, the start fails with the SQL for a DBA to run.
 */
final class ComponentRoles {

    private ComponentRoles() {
    }

    /**
     * The role of a component's schema in a database: both names, shortened with a digest when
     * together they pass PostgreSQL's 63 characters (roles are shared by every database of a server).
     */
    static String role(String database, String schema) {
        String name = database + "_" + schema;
        if (name.length() <= 63) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            String suffix = "_" + HexFormat.of().formatHex(digest, 0, 4);
            return name.substring(0, 63 - suffix.length()) + suffix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /** What gives a component's role its schema, as SQL a DBA can run too. */
    static List<String> statements(String role, String schema, String user) {
        String r = EmbeddedServer.quote(role);
        String s = EmbeddedServer.quote(schema);
        return List.of(
                "do $$ begin create role " + r + " nologin; exception when duplicate_object then null; end $$",
                "grant " + r + " to " + EmbeddedServer.quote(user),
                "create schema if not exists " + s + " authorization " + r,
                "alter schema " + s + " owner to " + r);
    }

    /**
     * Creates the component's role and gives it its schema, and what an earlier start created in
     * that schema as the configured user.
     *
     * @throws StartupException naming the component, with the SQL a DBA would run, when the
     *     configured user may not
     */
    static void grant(StoreSettings s) {
        Properties props = new Properties();
        props.setProperty("user", s.user());
        props.setProperty("password", s.password());
        String url = s.url().orElseThrow();
        try (Connection c = DriverManager.getConnection(url, props)) {
            String database;
            String user;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select current_database(), current_user")) {
                rs.next();
                database = rs.getString(1);
                user = rs.getString(2);
            }
            String role = role(database, s.schema());
            List<String> sql = statements(role, s.schema(), user);
            try (Statement st = c.createStatement()) {
                for (String statement : sql) {
                    st.execute(statement);
                }
                for (String object : ownedByOthers(c, s.schema(), role)) {
                    st.execute("alter " + object + " owner to " + EmbeddedServer.quote(role));
                }
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    throw new StartupException("component " + s.component() + ": " + s.urlSource() + " user \"" + s.user()
                            + "\" may not create the component's role (" + e.getMessage().strip() + "); ask a DBA to run: "
                            + String.join("; ", sql) + "; or set [data] component-roles = false to run every component"
                            + " with that user's own rights", e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StartupException("component " + s.component() + ": cannot set up its role at " + url + " ("
                    + s.urlSource() + ", user \"" + s.user() + "\"): " + e.getMessage().strip(), e);
        }
    }

    /** Tables, views and sequences of the schema that its role does not own: {@code table "x"."y"}. */
    private static List<String> ownedByOthers(Connection c, String schema, String role) throws SQLException {
        List<String> objects = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select case cl.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'
                            else 'table' end, cl.relname
                from pg_class cl join pg_namespace n on n.oid = cl.relnamespace
                where n.nspname = ? and cl.relkind in ('r', 'p', 'v', 'm', 'S')
                  and pg_get_userbyid(cl.relowner) <> ?
                  and not (cl.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = cl.oid and d.deptype in ('a', 'i')))""")) {
            ps.setString(1, schema);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    objects.add(rs.getString(1) + " " + EmbeddedServer.quote(schema) + "." + EmbeddedServer.quote(rs.getString(2)));
                }
            }
        }
        return objects;
    }
}
