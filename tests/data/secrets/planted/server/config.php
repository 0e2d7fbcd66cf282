<?php
// WordPress-style configuration, FAKE values.
define('DB_PASSWORD', 'PlantedHarbor750#4OZH');
$config = [
    'mailgun' => ['secret' => 'key-ad5caf9de1ded08c140262d8ad7de2e6'],
    'password' => 'DummyFalcon035*pyoi',
];
