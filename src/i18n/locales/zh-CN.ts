import type { Messages } from '../messages.js';

/** Simplified Chinese. */
export const zhCN: Messages = {
  'tile.cameraOff': '摄像头已关闭',
  'tile.cameraOn': '摄像头已开启',
  'tile.micOff': '麦克风已关闭',
  'tile.micOn': '麦克风已开启',
  'tile.speaking': '正在说话',
  'tile.emptySeat': '空麦位',
  'tile.seat': '{index} 号麦位',
  'tile.locked': '已锁定',
  'tile.you': '我',
  'tile.connectionLost': '连接已断开',
  'tile.separator': '，',

  'apply.request': '申请连麦',
  'apply.cancel': '取消申请',
  'apply.leave': '下麦',
  'apply.waiting': '等待主播同意… {seconds} 秒',
  'apply.rejected': '申请被拒绝',
  'apply.timedOut': '申请已超时',

  'invitation.message': '{name} 邀请你连麦',
  'invitation.accept': '接受',
  'invitation.decline': '拒绝',

  'applicants.accept': '同意',
  'applicants.reject': '拒绝',
  'applicants.acceptUser': '同意 {name}',
  'applicants.rejectUser': '拒绝 {name}',
  'applicants.acceptAll': '全部同意',
  'applicants.rejectAll': '全部拒绝',
  'applicants.empty': '暂无申请',
  'applicants.count': '{count} 条申请',
  'applicants.waiting': '已等待 {time}',

  'audience.invite': '邀请',
  'audience.inviteUser': '邀请 {name}',
  'audience.filter': '筛选观众',

  'seatMenu.label': '{name} 的操作',
  'seatMenu.kick': '踢下麦',
  'seatMenu.closeMicrophone': '关闭麦克风',
  'seatMenu.closeCamera': '关闭摄像头',
  'seatMenu.lock': '锁定麦位',
  'seatMenu.unlock': '解锁麦位',
  'seatMenu.move': '移至 {index} 号麦位',

  'notify.applicationReceived': '{name} 申请连麦',
  'notify.joinedSeat': '{name} 已上 {index} 号麦位',
  'notify.requestAccepted': '你的连麦申请已通过',
  'notify.requestRejected': '你的连麦申请被拒绝',
  'notify.requestTimedOut': '你的连麦申请已超时',
  'notify.kicked': '你已被移下麦位',
  'notify.liveEnded': '直播已结束',
  'notify.dismiss': '关闭',

  'connection.connecting': '连接中…',
  'connection.reconnecting': '正在重新连接…',
  'connection.offline': '已离线',
};
