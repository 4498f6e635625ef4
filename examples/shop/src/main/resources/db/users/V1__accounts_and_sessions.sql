create table account (
    id            uuid primary key,
    email         varchar(254) not null unique,
    name          varchar(100) not null,
    password_hash varchar(200) not null,
    created_at    timestamp with time zone not null
);

-- only the SHA-256 digest of a token is kept: a copy of this table opens no session
create table user_session (
    token_digest varchar(64) primary key,
    account_id   uuid not null references account (id),
    expires_at   timestamp with time zone not null
);

create index user_session_account on user_session (account_id);
