create table notification (
    id        uuid primary key,
    user_id   uuid not null,
    dedup_key varchar(200) not null,
    subject   varchar(200) not null,
    body      varchar(4000) not null,
    sent_at   timestamp with time zone not null,
    is_read   boolean not null,
    constraint notification_once unique (user_id, dedup_key)
);

create index notification_inbox on notification (user_id, sent_at);
