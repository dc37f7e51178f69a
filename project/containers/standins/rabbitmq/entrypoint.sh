#!/bin/sh
# Like the official image: the default user from RABBITMQ_DEFAULT_USER/PASS, allowed from other
# containers (RabbitMQ lets guest in from loopback only unless told otherwise).
set -eu
cat >/etc/rabbitmq/rabbitmq.conf <<CONF
loopback_users = none
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
listeners.tcp.default = 5672
management.tcp.port = 15672
CONF
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
exec rabbitmq-server
